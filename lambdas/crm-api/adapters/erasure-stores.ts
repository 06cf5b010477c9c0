import type { RecipientErasureRepository } from '../../campaigns';
import type { PersonalDataEraser } from '../../crm';
import type { EventRepository } from '../../events';
import type { ApiMessageRepository } from './api-message-repository';

export interface ErasureStoresDeps {
  apiMessages: Pick<ApiMessageRepository, 'eraseMessagesTo'>;
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
    { store: 'apiMessages', erase: (phoneNumber, erasedAt) => deps.apiMessages.eraseMessagesTo(phoneNumber, erasedAt) },
    {
      store: 'eventPayloads',
      erase: (_phoneNumber, erasedAt, erased) =>
        deps.events.erasePayloadsAbout([...erased.activityIds, ...erased.contactIds], erasedAt),
    },
    { store: 'campaignRecipients', erase: (phoneNumber, erasedAt) => deps.recipients.eraseNumber(phoneNumber, erasedAt) },
  ];
}
