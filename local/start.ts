// `npm start`: the local replica of the bridge. PORT (default 3000), LOCAL_SIGNING_KEYS (comma-separated;
// fresh keys when unset), LOCAL_DYNAMODB_PATH (a folder to keep DynamoDB Local's data; in memory when unset),
// OPENPHONE_API_KEY (use the real OpenPhone API; the simulator otherwise), LOCAL_INBOUND_EVERY_MS,
// LOCAL_CAMPAIGN_SENDER_EVERY_MS (default 60000; `off` disables the campaign sender's schedule).
// LOCAL_IMPORT_SYNC_EVERY_MS (the incremental sync's interval; `off`; default: the stage's importSyncSchedule).
// LOCAL_EVENT_SWEEP_EVERY_MS (the event sweeper's interval; `off`; default: the stage's eventSweep.schedule).
// LOCAL_TRAFFIC (the simulated office's day: `off`, or name=value pairs over its rates; traffic-rates.ts),
// LOCAL_SIMULATOR_SEED (default 1: the same seed replays the same workspace and day).
// MESSAGES_DEFAULT_FROM (POST /v1/messages without `from`; default: the simulator's first number).
// Metrics are CloudWatch EMF lines: noise on a terminal.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

import { parseCampaignSenderEvery } from './campaign-schedule';
import { localSweepEveryMs } from './event-sweep-schedule';
import { javaMissingMessage } from './dynamodb-local';
import { startOpenPhoneTarget } from './openphone-target';
import { localSyncEveryMs } from './local-imports';
import { parseTrafficSetting, type TrafficRates } from './openphone-simulator/traffic-rates';
import { startLocalReplica } from './replica';
import { readReplicaInfo, writeReplicaInfo } from './replica-info';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, not "${process.env.PORT}"`);
    process.exit(2);
  }
  const syncSetting = process.env.LOCAL_IMPORT_SYNC_EVERY_MS;
  let campaignSenderEvery: number | 'off';
  let traffic: TrafficRates | 'off';
  try {
    traffic = parseTrafficSetting(process.env.LOCAL_TRAFFIC);
    campaignSenderEvery = parseCampaignSenderEvery(process.env.LOCAL_CAMPAIGN_SENDER_EVERY_MS);
    localSyncEveryMs(syncSetting, undefined);
    localSweepEveryMs(process.env.LOCAL_EVENT_SWEEP_EVERY_MS, undefined);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const replica = await startLocalReplica({
    port,
    stateDir: '.local',
    ...(process.env.LOCAL_SIGNING_KEYS
      ? {
          signingKeys: process.env.LOCAL_SIGNING_KEYS.split(',')
            .map((k) => k.trim())
            .filter(Boolean),
        }
      : {}),
    ...(process.env.LOCAL_DYNAMODB_PATH ? { dynamoPath: process.env.LOCAL_DYNAMODB_PATH } : {}),
    ...(process.env.LOCAL_EVENT_SWEEP_EVERY_MS
      ? { eventSweepEveryMs: localSweepEveryMs(process.env.LOCAL_EVENT_SWEEP_EVERY_MS, undefined) ?? 'off' }
      : {}),
  });
  const inboundEveryMs = Number(process.env.LOCAL_INBOUND_EVERY_MS ?? 20_000);
  const seed = Number(process.env.LOCAL_SIMULATOR_SEED ?? 1);
  if (!Number.isInteger(seed) || seed < 0) {
    console.error(`LOCAL_SIMULATOR_SEED must be a whole number, not "${process.env.LOCAL_SIMULATOR_SEED}"`);
    process.exit(2);
  }
  // LOCAL_INBOUND_EVERY_MS paces the office's day too; 0 leaves only the bare workspace.
  const office =
    traffic !== 'off' && inboundEveryMs > 0
      ? { ...traffic, ...(process.env.LOCAL_INBOUND_EVERY_MS ? { inboundEveryMs } : {}) }
      : undefined;
  const openPhone = await startOpenPhoneTarget({
    webhookUrl: replica.webhookUrl,
    signingKey: replica.signingKeys[0]!,
    ...(process.env.OPENPHONE_API_KEY ? { apiKey: process.env.OPENPHONE_API_KEY } : {}),
    ...(process.env.OPENPHONE_BASE_URL ? { baseUrl: process.env.OPENPHONE_BASE_URL } : {}),
    inboundEveryMs: Number.isFinite(inboundEveryMs) ? inboundEveryMs : 20_000,
    seed,
    ...(office ? { traffic: office } : {}),
  });
  // A message without `from` goes from MESSAGES_DEFAULT_FROM, else the simulator's first number.
  const defaultFrom =
    process.env.MESSAGES_DEFAULT_FROM ??
    (openPhone.kind === 'simulated' ? openPhone.simulator.workspace.phoneNumbers[0]?.number : undefined);
  if (openPhone.kind === 'simulated') {
    // The simulator serves recordings and voicemails over http on 127.0.0.1: the archiver may fetch those.
    replica.processing.allowLocalMediaOrigin(openPhone.baseUrl);
    // Let the operator CLI (`openphone check`, `webhooks register`, `messages send`) reach the simulator too.
    const infoFile = '.local/replica.json';
    const info = readReplicaInfo(infoFile);
    if (info)
      writeReplicaInfo(infoFile, {
        ...info,
        simulatedOpenPhone: { baseUrl: openPhone.baseUrl, apiKey: openPhone.apiKey },
        ...(defaultFrom ? { messagesDefaultFrom: defaultFrom } : {}),
      });
  }
  if (campaignSenderEvery !== 'off')
    replica.startCampaignSender({
      openPhone: {
        apiKey: openPhone.kind === 'simulated' ? openPhone.apiKey : process.env.OPENPHONE_API_KEY!,
        baseUrl: openPhone.baseUrl,
      },
      everyMs: campaignSenderEvery,
    });
  const openPhoneKey = {
    apiKey: openPhone.kind === 'real' ? process.env.OPENPHONE_API_KEY! : openPhone.apiKey,
    baseUrl: openPhone.baseUrl,
  };
  replica.imports.connect(openPhoneKey);
  replica.connectCrmApiToOpenPhone({ ...openPhoneKey, ...(defaultFrom ? { defaultFrom } : {}) });
  const schedule = replica.imports.templateSchedule;
  const syncEveryMs = localSyncEveryMs(syncSetting, schedule?.everyMs);
  if (syncEveryMs !== undefined) replica.imports.scheduleSync(syncEveryMs);
  const importsLine =
    syncEveryMs !== undefined
      ? `an incremental sync every ${Math.round(syncEveryMs / 1000)} s (LOCAL_IMPORT_SYNC_EVERY_MS)`
      : syncSetting === 'off' || !schedule
        ? 'no scheduled sync (off)'
        : `the stage's schedule ${schedule.expression} is not fired locally: set LOCAL_IMPORT_SYNC_EVERY_MS`;
  const openPhoneLine =
    openPhone.kind === 'real'
      ? `the real API at ${openPhone.baseUrl} (OPENPHONE_API_KEY is set)`
      : `simulated at ${openPhone.baseUrl} (API key ${openPhone.apiKey}, seed ${seed}); it sends signed webhooks here${
          office
            ? `, a text or call about every ${Math.round(office.inboundEveryMs / 1000)} s, office answers and campaign replies (LOCAL_TRAFFIC)`
            : inboundEveryMs > 0
              ? `, an inbound message or call about every ${Math.round(inboundEveryMs / 1000)} s`
              : ''
        }`;
  console.log(`OpenPhone Bridge (local replica) is up.

  Webhook URL:   POST ${replica.webhookUrl}
  CRM API:       ${replica.crmApi.url}  (send Authorization: Bearer ${replica.crmApi.token}; the document is at /v1/openapi.json)
  CRM events:    the bus stand-in at GET ${new URL(replica.webhookUrl).origin}/local/admin/crm-events (same token);  npm run cli -- crm-events list
  OpenPhone:     ${openPhoneLine}
  Imports:       ${importsLine}; start one with  npm run cli -- imports start
  Signing keys (legacy openphone-signature keys are base64; Standard Webhooks keys start with whsec_):
${replica.signingKeys.map((k) => `    ${k}`).join('\n')}

  Send a signed test event:  npm run webhook:send -- --url ${replica.webhookUrl} --key ${replica.signingKeys[0]}
  Campaign sender: ${campaignSenderEvery === 'off' ? 'off (LOCAL_CAMPAIGN_SENDER_EVERY_MS=off)' : `runs every ${Math.round(campaignSenderEvery / 1000)} s (LOCAL_CAMPAIGN_SENDER_EVERY_MS)`}
  Operator CLI (reads .local/replica.json):  npm run cli -- events count
  Operator console:  npm run console  (then open http://127.0.0.1:4000)
  Stop with Ctrl-C.
`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local replica…`);
    await openPhone.stop();
    await replica.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(
    error.message === javaMissingMessage ? error.message : `local replica failed to start: ${error.message}`,
  );
  process.exit(1);
});
