import {
  defaultImportSettings,
  importSettingsWith,
} from '../../../lambdas/history-import/domain/import-settings';

describe('import settings', () => {
  it('are the defaults when nothing is given', () => {
    expect(importSettingsWith()).toEqual(defaultImportSettings);
  });

  it('keep the default page sizes a partial override leaves out', () => {
    const settings = importSettingsWith({ reserveMs: 5_000 });
    expect(settings.reserveMs).toBe(5_000);
    expect(settings.overlapMs).toBe(defaultImportSettings.overlapMs);
    expect(settings.pageSizes).toEqual(defaultImportSettings.pageSizes);
  });

  it('take the page sizes given', () => {
    const pageSizes = { ...defaultImportSettings.pageSizes, calls: 5 };
    expect(importSettingsWith({ pageSizes }).pageSizes).toEqual({
      ...defaultImportSettings.pageSizes,
      calls: 5,
    });
  });
});
