import { UnknownSendingNumberError, type PhoneNumberIds } from '../../openphone';
import { ApiRequestError } from '../errors';
import { openPhoneRefusal } from './send-refusals';

/** The number a message goes from: the one asked for, the stage's default, or the workspace's only one. */
export async function sendingNumberOf(
  ids: PhoneNumberIds,
  requested: string | undefined,
  defaultFrom: string | undefined,
) {
  const chosen = requested ?? defaultFrom;
  try {
    if (chosen) return { from: chosen, phoneNumberId: await ids.idOf(chosen) };
    const workspace = await ids.workspaceNumbers();
    if (workspace.length !== 1)
      throw new ApiRequestError(
        400,
        'from_required',
        `the workspace has ${workspace.length} numbers and the stage names no default: say which with from`,
        'from',
      );
    return { from: workspace[0]!.number, phoneNumberId: workspace[0]!.id };
  } catch (error) {
    if (error instanceof UnknownSendingNumberError)
      throw new ApiRequestError(
        400,
        'unknown_sending_number',
        'from is not a number of the OpenPhone workspace',
        'from',
      );
    throw openPhoneRefusal(error) ?? error;
  }
}
