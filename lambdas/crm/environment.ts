import { z } from 'zod';
import { environmentNames } from '../shared/environment';
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
