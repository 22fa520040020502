/** Values an attacker (or a careless paste) could type into a field. */
export const HOSTILE = [
  "'; Remove-Item -Recurse -Force C:\\ ; '",
  '$(Remove-Item C:\\Windows)',
  '`whoami`',
  'a\nb\r\nc; rm -rf /tmp/x',
  '\u2018; Remove-Item C:\\ ;\u2019',
  '\u201A\u201B\u2019\u2019\u2018',
  '"; rm -rf / #',
  "'\\'' ; id ; echo '",
  '${env:PATH} $HOME $$ !! \\',
  '-rf --',
  'Élodie Müller — ½ € 👍',
];
