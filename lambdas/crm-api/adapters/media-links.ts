import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** Short-lived links to archived media in the media bucket (presigned GetObject, no request made). */
export class MediaLinks {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    /** How long a link works. @default 300 s */
    private readonly expiresInSeconds = 300,
  ) {}

  async linksFor(keys: readonly string[]): Promise<Map<string, string>> {
    const links = await Promise.all(
      keys.map(
        async (key) =>
          [
            key,
            await getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
              expiresIn: this.expiresInSeconds,
            }),
          ] as const,
      ),
    );
    return new Map(links);
  }
}
