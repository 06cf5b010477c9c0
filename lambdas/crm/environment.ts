import { z } from 'zod';
import { environmentNames } from '../shared/environment';
import { followUpSettings } from './domain/business-hours';
import { defaultMediaHosts } from './domain/media-url-policy';

/** The media archiver's variables. */
export const archiverEnvironmentShape = {
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaBucket]: z.string().min(3),
  [environmentNames.maxMediaBytes]: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
  /** Comma-separated host names media URLs may be fetched from (https only). */
  [environmentNames.mediaHosts]: z
    .string()
    .default(defaultMediaHosts.join(','))
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
    ),
};

/** The stage's `followUp` (business hours, reply targets) as JSON; absent: the defaults. */
export const followUpVariable = {
  [environmentNames.followUp]: z
    .string()
    .optional()
    .transform((text) => followUpSettings.parse(text === undefined ? {} : JSON.parse(text))),
};

/** The reply-due timer's variables. */
export const replyDueEnvironmentShape = {
  [environmentNames.crmTable]: z.string().min(3),
  ...followUpVariable,
};
