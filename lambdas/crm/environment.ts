import { z } from 'zod';
import { environmentNames } from '../shared/environment';

/** The media archiver's variables. */
export const archiverEnvironmentShape = {
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaBucket]: z.string().min(3),
  [environmentNames.maxMediaBytes]: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
};
