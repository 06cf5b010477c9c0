import type { FaultSwitches } from './faults';
import {
  callEventObject,
  hasRecording,
  messageEventObject,
  summaryOf,
  transcriptOf,
  voicemailTranscript,
} from './resources';
import {
  quoCallPayload,
  quoMissedCallPayload,
  quoVoicemailPayload,
  quoCallSummaryPayload,
  quoCallTranscriptPayload,
  quoMessagePayload,
} from './quo-payloads';
import type { WebhookDispatcher } from './webhooks';
import type { SimulatedWorkspace, WorkspaceActivity } from './workspace';

export interface ActivityTimingOptions {
  /** Delay between a send's 202 and its `message.delivered`, in ms. Default 50. */
  readonly deliveryDelayMs?: number;
  /** Delay between `call.completed` and the recording, summary and transcript events, in ms. Default 50. */
  readonly callIntelligenceDelayMs?: number;
  /** When set, an inbound message or call arrives every `intervalMs` on average (seeded). */
  readonly inboundEvery?: { readonly intervalMs: number; readonly callShare?: number };
}

/**
 * What OpenPhone does after the fact: settles sent messages, announces inbound activity,
 * follows a call with its recording, summary and transcript — all as webhooks.
 */
export function wireActivityToWebhooks(
  workspace: SimulatedWorkspace,
  webhooks: WebhookDispatcher,
  faults: FaultSwitches,
  baseUrl: string,
  timing: ActivityTimingOptions = {},
): () => void {
  const deliveryDelayMs = timing.deliveryDelayMs ?? 50;
  const intelligenceDelayMs = timing.callIntelligenceDelayMs ?? 50;

  const unsubscribe = workspace.onActivity((activity: WorkspaceActivity) => {
    switch (activity.type) {
      case 'message.sent': {
        const messageId = activity.message.id;
        webhooks.later(deliveryDelayMs, () =>
          workspace.settleDelivery(messageId, faults.takeDeliveryOutcome()),
        );
        return;
      }
      case 'message.received':
      case 'message.delivered':
        webhooks.emit({
          type: activity.type,
          object: messageEventObject(activity.message),
          phoneNumberId: activity.message.phoneNumberId,
          quo: quoMessagePayload(activity.message),
        });
        return;
      case 'call.completed': {
        const call = activity.call;
        webhooks.emit({
          type: 'call.completed',
          object: callEventObject(call, baseUrl, false),
          phoneNumberId: call.phoneNumberId,
          quo: quoCallPayload(call, baseUrl, false),
        });
        // The legacy `call.completed` carries the voicemail; Quo's new webhooks send it apart.
        if (call.direction === 'incoming' && call.answeredAtMs === null)
          webhooks.emit({
            type: 'call.missed',
            object: { id: call.id },
            phoneNumberId: call.phoneNumberId,
            quo: quoMissedCallPayload(call),
            newSystemOnly: true,
          });
        if (call.hasVoicemail)
          webhooks.later(intelligenceDelayMs, () =>
            webhooks.emit({
              type: 'call.voicemail.completed',
              object: { id: call.id },
              phoneNumberId: call.phoneNumberId,
              quo: quoVoicemailPayload(call, baseUrl, voicemailTranscript),
              newSystemOnly: true,
            }),
          );
        if (!hasRecording(call)) return;
        webhooks.later(intelligenceDelayMs, () => {
          webhooks.emit({
            type: 'call.recording.completed',
            object: callEventObject(call, baseUrl, true),
            phoneNumberId: call.phoneNumberId,
            quo: quoCallPayload(call, baseUrl, true),
          });
          webhooks.emit({
            type: 'call.summary.completed',
            object: { object: 'callSummary', ...summaryOf(call) },
            phoneNumberId: call.phoneNumberId,
            quo: quoCallSummaryPayload(call),
          });
          webhooks.emit({
            type: 'call.transcript.completed',
            object: { object: 'callTranscript', ...transcriptOf(call) },
            phoneNumberId: call.phoneNumberId,
            quo: quoCallTranscriptPayload(call),
          });
        });
        return;
      }
    }
  });

  let timer: NodeJS.Timeout | undefined;
  const inbound = timing.inboundEvery;
  if (inbound) {
    const scheduleNext = () => {
      const delay = Math.max(1, Math.round(inbound.intervalMs * 2 * workspace.random()));
      timer = setTimeout(() => {
        const phoneNumber =
          workspace.phoneNumbers[Math.floor(workspace.random() * workspace.phoneNumbers.length)]!;
        if (workspace.random() < (inbound.callShare ?? 0.25))
          workspace.receiveCall({ phoneNumberId: phoneNumber.id });
        else workspace.receiveMessage({ phoneNumberId: phoneNumber.id });
        scheduleNext();
      }, delay);
      timer.unref();
    };
    scheduleNext();
  }

  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
