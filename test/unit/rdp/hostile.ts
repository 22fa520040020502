/** Values an attacker (or a careless paste) could put in a field. */
export const HOSTILE = [
  'x\r\nalternate shell:s:cmd.exe /c calc',
  'x\ndrivestoredirect:s:*',
  'x\rredirectprinters:i:1',
  'x\u2028alternate shell:s:powershell',
  'x\u2029drivestoredirect:s:*',
  'x\u0085drivestoredirect:s:*',
  'x\u0000alternate shell:s:cmd',
  'x\u000bvertical\u000cfeed',
  'a;b;rm -rf /',
  '"quoted" \'single\'',
  '$(reboot)`id`',
  '%COMSPEC%',
  '/p:secret',
  '-p secret',
  'A'.repeat(10_000),
  'poste\uff1a3389', // fullwidth colon
  'ｐｃ－ｍａｉｒｉｅ', // fullwidth letters
  'pc\u200bmairie',
  'pc\u202emairie',
  '\ud800lone surrogate',
];
