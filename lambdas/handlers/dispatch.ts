export const handler = async () => ({ statusCode: 500 });
