import type { RecipientErasureRepository } from '../../campaigns';
import type { ActivityRepository, PersonalDataEraser } from '../../crm';
import { apiStatusOf, furtherStatus } from '../domain/messages';
import type { EventRepository } from '../../events';
import type { ApiMessageRepository } from './api-message-repository';

export interface ErasureStoresDeps {
  apiMessages: Pick<ApiMessageRepository, 'eraseMessagesTo'>;
  /** An API message keeps the delivery status its activity had (the activity is erased after). */
  activities: Pick<ActivityRepository, 'getActivity'>;
  events: Pick<EventRepository, 'erasePayloadsAbout'>;
  recipients: Pick<RecipientErasureRepository, 'eraseNumber'>;
}

/**
 * The stores beyond the CRM's activities and contacts that an erase reaches, for
 * `ErasureRepository`'s `otherStores`: messages sent through this API (by the number's links),
 * the raw webhook bodies about the erased activities and contacts, and campaign recipients.
 */
export function erasureStoresBeyondTheCrm(deps: ErasureStoresDeps): PersonalDataEraser[] {
  return [
    {
      store: 'apiMessages',
      erase: (phoneNumber, erasedAt) =>
        deps.apiMessages.eraseMessagesTo(phoneNumber, erasedAt, async (message) => {
          const activity = message.openPhoneMessageId
            ? await deps.activities.getActivity(message.openPhoneMessageId)
            : undefined;
          return furtherStatus(message.status, apiStatusOf(activity?.status));
        }),
    },
    eventPayloadEraser(deps.events),
    {
      store: 'campaignRecipients',
      erase: (phoneNumber, erasedAt) => deps.recipients.eraseNumber(phoneNumber, erasedAt),
    },
  ];
}

/** The raw webhook bodies about the erased activities and contacts (and the events they list). */
export function eventPayloadEraser(events: Pick<EventRepository, 'erasePayloadsAbout'>): PersonalDataEraser {
  return {
    store: 'eventPayloads',
    erase: (_phoneNumber, erasedAt, erased) =>
      events.erasePayloadsAbout([...erased.activityIds, ...erased.contactIds], erasedAt, erased.eventIds),
  };
}
