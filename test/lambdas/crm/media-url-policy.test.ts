import {
  defaultMediaHosts,
  mediaAddressRefusal,
  mediaHostEntryProblem,
  mediaUrlRefusal,
} from '../../../lambdas/crm/domain/media-url-policy';

const policy = { allowedHosts: ['m.openph.one', '*.media.example'] };

describe('the media URL policy', () => {
  it.each([
    'https://m.openph.one/static/85.mp3',
    'https://M.OpenPh.One./x.jpg', // case and a trailing dot are the same host
    'https://cdn.media.example/a.png',
    'https://a.b.media.example/a.png',
  ])('lets %s be fetched', (url) => {
    expect(mediaUrlRefusal(url, policy)).toBeUndefined();
  });

  it.each([
    ['http://m.openph.one/x.jpg', 'scheme http: is not https:'],
    ['ftp://m.openph.one/x.jpg', 'scheme ftp: is not https:'],
    ['file:///etc/passwd', 'scheme file: is not https:'],
    ['data:image/png;base64,AAAA', 'scheme data: is not https:'],
    ['https://evil.example/x.jpg', 'host evil.example is not on the media host allow-list'],
    [
      'https://m.openph.one.evil.example/x',
      'host m.openph.one.evil.example is not on the media host allow-list',
    ],
    ['https://media.example/x', 'host media.example is not on the media host allow-list'], // *. is subdomains only
    ['https://169.254.169.254/latest/meta-data/', 'host 169.254.169.254 is an IP address, not a name'],
    ['https://2130706433/x', 'host 127.0.0.1 is an IP address, not a name'], // decimal 127.0.0.1
    ['https://0x7f.1/x', 'host 127.0.0.1 is an IP address, not a name'],
    ['https://[::1]/x', 'host [::1] is an IP address, not a name'],
    ['https://[::ffff:a9fe:a9fe]/x', 'host [::ffff:a9fe:a9fe] is an IP address, not a name'],
    ['https://user:pw@m.openph.one/x', 'a URL with credentials'],
    ['https://m.openph.one:8443/x', 'port 8443 is not 443'],
    ['not a url', 'not a URL'],
  ])('refuses %s: %s', (url, reason) => {
    expect(mediaUrlRefusal(url, policy)).toBe(reason);
  });

  it('lets a local origin through over http, and only that exact origin', () => {
    const local = { ...policy, localOrigins: ['http://127.0.0.1:4010'] };
    expect(mediaUrlRefusal('http://127.0.0.1:4010/media/recordings/AC1.mp3', local)).toBeUndefined();
    expect(mediaUrlRefusal('http://127.0.0.1:4011/x', local)).toBe('scheme http: is not https:');
    expect(mediaUrlRefusal('http://127.0.0.1:4010/x', policy)).toBe('scheme http: is not https:');
  });

  it.each([
    ['10.1.2.3', 'private (10.0.0.0/8)'],
    ['172.31.255.1', 'private (172.16.0.0/12)'],
    ['192.168.1.1', 'private (192.168.0.0/16)'],
    ['127.0.0.1', 'loopback (127.0.0.0/8)'],
    ['169.254.169.254', 'link-local (instance metadata) (169.254.0.0/16)'],
    ['100.100.100.200', 'shared (CGNAT) (100.64.0.0/10)'],
    ['0.0.0.0', 'unspecified (0.0.0.0/8)'],
    ['::1', 'loopback (::1/128)'],
    ['fd00:ec2::254', 'unique local (ULA) (fc00::/7)'],
    ['fe80::1', 'link-local (fe80::/10)'],
    ['::ffff:10.0.0.1', 'private (10.0.0.0/8)'],
    ['::ffff:a9fe:a9fe', 'link-local (instance metadata) (169.254.0.0/16)'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 (64:ff9b::/96)'],
  ])('refuses the resolved address %s as %s', (address, what) => {
    expect(mediaAddressRefusal(address)).toBe(`address ${address} is ${what}`);
  });

  it.each(['93.184.216.34', '142.250.72.16', '2607:f8b0:4004:c1b::80'])(
    'lets the public address %s be fetched',
    (address) => {
      expect(mediaAddressRefusal(address)).toBeUndefined();
    },
  );

  it('takes host names and *.domain in the allow-list, not schemes, ports, IPs or bare wildcards', () => {
    for (const entry of [...defaultMediaHosts, '*.openph.one'])
      expect(mediaHostEntryProblem(entry)).toBeUndefined();
    for (const entry of [
      'https://m.openph.one',
      'm.openph.one:443',
      '10.0.0.1',
      '*',
      '*.one',
      'M.openph.one',
    ])
      expect(mediaHostEntryProblem(entry)).toMatch(/is not a host name or \*\.domain/);
  });
});
