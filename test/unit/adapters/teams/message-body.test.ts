// A Teams message body (HTML, as a message action hands it over) read as the text a saved fix
// keeps: code as fences with their language, lists as lists, mentions and emoji as words.
import { describe, expect, it } from 'vitest';
import { bodyText, messageBodyText } from '../../../../src/adapters/teams/message-body.js';
import { teamsMessageLink, teamsThreadLink } from '../../../../src/adapters/teams/links.js';

describe('messageBodyText', () => {
  it('keeps paragraphs, inline code, code blocks with their language, and numbered and nested lists', () => {
    const html =
      '<div><p>Resolved: the cert had expired.</p><p>Ran <code>certutil -renew</code> then:</p>' +
      '<ol><li>stop kms</li><li>renew<ul><li>as admin</li></ul></li><li>start kms</li></ol>' +
      '<pre class="language-bash">systemctl restart kms\n  journalctl -u kms</pre></div>';
    expect(messageBodyText(html)).toBe(
      [
        'Resolved: the cert had expired.',
        'Ran `certutil -renew` then:',
        '1. stop kms',
        '2. renew',
        '  - as admin',
        '3. start kms',
        '```bash',
        'systemctl restart kms',
        '  journalctl -u kms',
        '```',
      ].join('\n'),
    );
  });

  it('reads new-Teams code blocks (codeblock, br lines), mentions, emoji, links and entities', () => {
    const html =
      '<p><at id="0">Bo</at> fixed it <emoji id="1f44d" alt="👍" title="Like"></emoji> see ' +
      '<a href="https://wiki.example/kms">the wiki</a> &amp; <a href="https://x.example/">https://x.example/</a></p>' +
      '<codeblock class="PowerShell"><code>Restart-Service kms<br>Get-Service kms</code></codeblock>' +
      '<img src="https://x/y.png" alt="screenshot">';
    expect(messageBodyText(html)).toBe(
      [
        '@Bo fixed it 👍 see the wiki (https://wiki.example/kms) & https://x.example/',
        '```powershell',
        'Restart-Service kms',
        'Get-Service kms',
        '```',
      ].join('\n'),
    );
  });

  it('closes a code block left open, and takes plain-text bodies as they are', () => {
    expect(messageBodyText('<pre>echo hi')).toBe('```\necho hi\n```');
    expect(messageBodyText('<pre><code class="language-bash">ls -l</code></pre>')).toBe('```bash\nls -l\n```');
    expect(bodyText({ contentType: 'text', content: '  <b>not html</b> ' })).toBe('<b>not html</b>');
    expect(bodyText(undefined)).toBe('');
  });
});

describe('Teams message links', () => {
  it('links a channel message into its reply chain and a chat message into its chat; nothing for other ids', () => {
    expect(
      teamsMessageLink({ conversation: '19:ops@thread.tacv2', messageId: '1733390000123', thread: '1733390000000' }),
    ).toBe('https://teams.microsoft.com/l/message/19%3Aops%40thread.tacv2/1733390000123?parentMessageId=1733390000000');
    expect(teamsMessageLink({ conversation: '19:abc@thread.v2', messageId: '1733390000123', tenantId: 't-1' })).toBe(
      'https://teams.microsoft.com/l/message/19%3Aabc%40thread.v2/1733390000123?tenantId=t-1&context=%7B%22contextType%22%3A%22chat%22%7D',
    );
    expect(teamsMessageLink({ conversation: 'C123', messageId: '1733390000.000100' })).toBeNull();
    expect(teamsMessageLink({ conversation: 'a:1personal-chat', messageId: '1733390000123' })).toBeNull();
    expect(teamsThreadLink('19:abc@thread.v2', '19:abc@thread.v2')).toBeNull();
    expect(teamsThreadLink('D1', '1733390000000')).toBeNull();
  });
});
