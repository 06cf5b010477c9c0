/**
 * us-east-1 list prices, from the AWS pricing pages as published in 2025 (DynamoDB on demand after
 * its November 2024 reduction). No free tier is applied, except CloudWatch's three always-free
 * dashboards (each of up to 50 metrics). Check aws.amazon.com/<service>/pricing before relying on a figure.
 */
export const usEast1Prices = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaX86GbSecond: 0.0000166667,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  sqsRequest: 0.4 / 1e6,
  logsIngestionGb: 0.5,
  logsStorageGbMonth: 0.03,
  secretMonth: 0.4,
  secretsApiCall: 0.05 / 10_000,
  /** A GetParameter of a standard parameter at standard throughput: no charge. */
  parameterStoreRead: 0,
  /** A KMS request (a SecureString read decrypts once with the free AWS-managed `aws/ssm` key). */
  kmsRequest: 0.03 / 10_000,
  xrayTraceRecorded: 5.0 / 1e6,
  eventBridgeEvent: 1.0 / 1e6,
  stepFunctionsTransition: 0.025 / 1000,
  /** A standard-resolution alarm, per metric it reads: a metric-math alarm pays for each of its metrics. */
  alarmMetricMonth: 0.1,
  /** An alarm whose period is under a minute, per metric. */
  highResolutionAlarmMetricMonth: 0.3,
  compositeAlarmMonth: 0.5,
  /** A custom metric series (name and dimensions; EMF's too), per month it is published in every hour. */
  customMetricMonth: 0.3,
  dashboardMonth: 3.0,
  /** Dashboards CloudWatch never bills, each of up to `freeDashboardMetrics` metrics (account-wide). */
  freeDashboards: 3,
  freeDashboardMetrics: 50,
};
export type Prices = typeof usEast1Prices;
