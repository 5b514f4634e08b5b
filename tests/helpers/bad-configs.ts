/**
 * Malformed monitor configs, each with the message it must produce. Shared by the unit test of
 * the validator and the test that an agent refusing them leaves the database untouched.
 */
export const BAD_CONFIGS: Array<[string, string, RegExp]> = [
  ["YAML syntax error", "monitors:\n  - slug: a\n   name: b\n", /^bad\.yaml: line \d+, column \d+: /],
  ["duplicate YAML key", "monitors: []\nmonitors: []\n", /line 2.*Map keys must be unique/],
  ["empty file", "", /\(top level\): the file is empty/],
  ["monitors missing", "defaults: {}\n", /bad\.yaml: monitors: /],
  [
    "unknown kind",
    `monitors:\n  - { slug: a, name: A, kind: ftp, url: "x" }\n`,
    /monitors\[0\] \(a\)\.kind: kind must be one of http, tcp, dns, registry, skynet, ipfs, s3, domain, heartbeat, got "ftp"/,
  ],
  [
    "bad slug",
    `monitors:\n  - { slug: "Not OK", name: A, kind: http, url: "https://a.test" }\n`,
    /monitors\[0\] \(Not OK\)\.slug: slug must be lowercase/,
  ],
  [
    "invalid URL",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "not a url" }\n`,
    /monitors\[0\] \(a\)\.url: not a valid URL: "not a url"/,
  ],
  [
    "non-http URL",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "ftp://a.test/" }\n`,
    /\.url: URL must be http: or https:, got ftp:/,
  ],
  [
    "wrong type",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: "eighty" }\n`,
    /monitors\[0\] \(a\)\.port: .*expected number/,
  ],
  ["port out of range", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 70000 }\n`, /\.port: .*65535/],
  [
    "bad duration",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, interval: "soon" }\n`,
    /\.interval: interval must be a duration like "30s"/,
  ],
  [
    "interval out of range",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, interval: 2d }\n`,
    /\.interval: must be between 1s and 1d, got 172800s/,
  ],
  [
    "timeout not below interval",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, interval: 10s, timeout: 10s }\n`,
    /\.timeout: must be above 0 and below the interval \(10s\)/,
  ],
  [
    "duplicate slug",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1 }\n  - { slug: a, name: B, kind: tcp, host: h, port: 2 }\n`,
    /monitors\[1\] \(a\)\.slug: duplicate slug "a", first used at monitors\[0\]/,
  ],
  [
    "unknown field (typo)",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", folow_redirects: false }\n`,
    /monitors\[0\] \(a\): unknown field "folow_redirects"/,
  ],
  [
    "invalid regex",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { body_regex: "([a-z" } }\n`,
    /\.expect\.body_regex: not a valid regular expression/,
  ],
  [
    "bad status spec",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { status: ["ok"] } }\n`,
    /\.expect\.status\[0\]: status must look like 200/,
  ],
  [
    "json assertion without check",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { json: [{ path: "$.a" }] } }\n`,
    /\.expect\.json\[0\]: a json assertion needs equals, matches or exists/,
  ],
  [
    "bad json path",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { json: [{ path: "status", equals: up }] } }\n`,
    /\.expect\.json\[0\]\.path: path must look like/,
  ],
  [
    "degraded_after above timeout",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, timeout: 1s, degraded_after: 2s }\n`,
    /\.degraded_after: must be below the timeout \(1000ms\)/,
  ],
  ["unknown DNS record type", `monitors:\n  - { slug: a, name: A, kind: dns, query: a.test, record: AXFR }\n`, /\.record: /],
  [
    "bad resolver",
    `monitors:\n  - { slug: a, name: A, kind: dns, query: a.test, resolver: "dns.google" }\n`,
    /\.resolver: resolver must be "ip" or "ip:port"/,
  ],
  [
    "registry pull without a pull section",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull }\n`,
    /monitors\[0\] \(a\)\.pull: check: pull needs a pull: \{ repository, reference \} section/,
  ],
  [
    "registry pull without a repository",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { reference: latest } }\n`,
    /\.pull\.repository: /,
  ],
  [
    "registry repository not OCI",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: "User/Image", reference: latest } }\n`,
    /\.pull\.repository: repository must be an OCI repository name/,
  ],
  [
    "registry bad digest reference",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: "sha256:xyz" } }\n`,
    /\.pull\.reference: reference must be a tag or a sha256/,
  ],
  [
    "registry bad platform",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest, platform: amd64 } }\n`,
    /\.pull\.platform: platform must look like "linux\/amd64"/,
  ],
  [
    "registry verify_manifest_digest not a boolean",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest }, verify_manifest_digest: "no" }\n`,
    /monitors\[0\] \(a\)\.verify_manifest_digest: .*boolean/,
  ],
  [
    "registry verify_manifest_digest off on an api check",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", verify_manifest_digest: false }\n`,
    /monitors\[0\] \(a\)\.verify_manifest_digest: verify_manifest_digest applies only to check: pull/,
  ],
  [
    "registry sha512 reference too short",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: "sha512:${"a".repeat(64)}" } }\n`,
    /\.pull\.reference: reference must be a tag or a sha256:… or sha512:… digest/,
  ],
  [
    "registry tags page_size 0",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest, tags: { page_size: 0 } } }\n`,
    /\.pull\.tags\.page_size: page_size must be at least 1/,
  ],
  [
    "registry tags max_pages 50",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest, tags: { max_pages: 50 } } }\n`,
    /\.pull\.tags\.max_pages: max_pages must be at most 20/,
  ],
  [
    "registry tags unknown key",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest, tags: { pages: 2 } } }\n`,
    /\.pull\.tags: .*pages/,
  ],
  [
    "registry referrers required not a boolean",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest, referrers: { required: "yes" } } }\n`,
    /\.pull\.referrers\.required: .*boolean/,
  ],
  [
    "registry head_blob not a boolean",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", check: pull, pull: { repository: a/b, reference: latest, head_blob: 1 } }\n`,
    /\.pull\.head_blob: .*boolean/,
  ],
  [
    "ipfs bad CID",
    `monitors:\n  - { slug: a, name: A, kind: ipfs, gateway: "https://ipfs.test", cid: "not-a-cid" }\n`,
    /\.cid: not a valid CID/,
  ],
  [
    "skylink wrong length",
    `monitors:\n  - { slug: a, name: A, kind: skynet, url: "https://portal.test", skylink: "abc" }\n`,
    /\.skylink: skylink must be 46 base64url characters/,
  ],
  [
    "skylink base32 in upper case",
    `monitors:\n  - { slug: a, name: A, kind: skynet, url: "https://portal.test", skylink: "${"A".repeat(55)}" }\n`,
    /\.skylink: skylink must be 46 base64url characters or 55 lowercase base32 characters/,
  ],
  [
    "registry push password written in the file",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", push: { repository: a/push, username: { env: U }, password: "hunter2" } }\n`,
    /monitors\[0\] \(a\)\.push\.password: push\.password must be \{ env: NAME \}: the key comes from the environment, never from the file/,
  ],
  [
    "registry push without a repository",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", push: { username: { env: U }, password: { env: P } } }\n`,
    /monitors\[0\] \(a\)\.push\.repository: /,
  ],
  [
    "registry push tag that is not a tag",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", push: { repository: a/push, tag: "no:colons", username: { env: U }, password: { env: P } } }\n`,
    /\.push\.tag: push\.tag must be a tag/,
  ],
  [
    "registry push repository in capitals",
    `monitors:\n  - { slug: a, name: A, kind: registry, url: "https://r.test", push: { repository: A/Push, username: { env: U }, password: { env: P } } }\n`,
    /\.push\.repository: push\.repository must be an OCI repository name/,
  ],
  [
    "ipfs cid neither a CID nor { env }",
    `monitors:\n  - { slug: a, name: A, kind: ipfs, gateway: "https://g.test", cid: { envv: CID } }\n`,
    /monitors\[0\] \(a\)\.cid: cid must be a CID or \{ env: NAME \}/,
  ],
  [
    "ipfs cid from a bad env name",
    `monitors:\n  - { slug: a, name: A, kind: ipfs, gateway: "https://g.test", cid: { env: "1CID" } }\n`,
    /\.cid\.env: env must name an environment variable/,
  ],
  [
    "skynet api_key written in the file",
    `monitors:\n  - { slug: a, name: A, kind: skynet, url: "https://portal.test", api_key: "sk-literal" }\n`,
    /monitors\[0\] \(a\)\.api_key: api_key must be \{ env: NAME \}: the key comes from the environment, never from the file/,
  ],
  [
    "skynet api_key with a bad env name",
    `monitors:\n  - { slug: a, name: A, kind: skynet, url: "https://portal.test", api_key: { env: "1KEY" } }\n`,
    /\.api_key\.env: env must name an environment variable/,
  ],
  [
    "s3 bad bucket",
    `monitors:\n  - { slug: a, name: A, kind: s3, endpoint: "https://s3.test", bucket: "A_B", key: k, access_key_id: { env: K }, secret_access_key: { env: S } }\n`,
    /\.bucket: bucket must be a valid S3 bucket name/,
  ],
  [
    "env reference with a bad name",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", headers: { Authorization: { env: "1BAD" } } }\n`,
    /\.headers\.Authorization/,
  ],
  [
    "catastrophic body_regex",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { body_regex: "^(a+)+$" } }\n`,
    /\.expect\.body_regex: the pattern repeats a group that itself repeats/,
  ],
  [
    "catastrophic json matches",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { json: [{ path: $.a, matches: "(\\\\w*)*x" }] } }\n`,
    /\.expect\.json\[0\]\.matches: the pattern repeats a group/,
  ],
  [
    "catastrophic header matches",
    `monitors:\n  - { slug: a, name: A, kind: http, url: "https://a.test", expect: { headers: [{ name: server, matches: "(x+y?){2,}" }] } }\n`,
    /\.expect\.headers\[0\]\.matches: the pattern repeats a group/,
  ],
  ["monitors is not a list", "monitors: { slug: a }\n", /bad\.yaml: monitors: /],
  [
    "bad region name",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, regions: ["EU West"] }\n`,
    /monitors\[0\] \(a\)\.regions\[0\]: region names are lowercase letters, digits and dashes/,
  ],
  [
    "region listed twice",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, regions: [eu-west, eu-west] }\n`,
    /monitors\[0\] \(a\)\.regions: a region is listed twice/,
  ],
  [
    "quorum above the regions listed",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, regions: [eu-west, us-east], quorum: 3 }\n`,
    /monitors\[0\] \(a\)\.quorum: 3 is more than the 2 region\(s\) listed in regions/,
  ],
  ["quorum zero", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, quorum: 0 }\n`, /monitors\[0\] \(a\)\.quorum: /],
  [
    "empty regions list",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, regions: [] }\n`,
    /monitors\[0\] \(a\)\.regions: /,
  ],
  ["the file is a scalar", "just some text\n", /bad\.yaml: \(top level\): /],
  ["negative interval", `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, interval: -5 }\n`, /\.interval: /],
  [
    "confirm count zero",
    `monitors:\n  - { slug: a, name: A, kind: tcp, host: h, port: 1, confirm: { down: 0, up: 2 } }\n`,
    /\.confirm\.down: /,
  ],
  ["unknown incidents option", "incidents: { on_recovery: panic }\nmonitors: []\n", /incidents\.on_recovery: /],
  [
    "reminders too frequent",
    "incidents: { remind_every: 10s }\nmonitors: []\n",
    /incidents\.remind_every: remind_every must be 0 \(off\) or at least 1m/,
  ],
  ["bad group window", "incidents: { group_window: forever }\nmonitors: []\n", /incidents\.group_window: group_window must be a duration/],
  [
    "slug too long",
    `monitors:\n  - { slug: "${"a".repeat(70)}", name: A, kind: tcp, host: h, port: 1 }\n`,
    /\.slug: slug must be lowercase/,
  ],
];

/** A YAML "billion laughs": nine levels of aliases, each ten times the one before. */
export const ALIAS_BOMB = [
  "a: &a [x,x,x,x,x,x,x,x,x,x]",
  ...Array.from(
    { length: 8 },
    (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(",")}]`,
  ),
  "monitors: []",
].join("\n");
