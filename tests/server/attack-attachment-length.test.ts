import { expect, it } from 'vitest';
import { describeEachStore, make } from './helpers.ts';
import { attachmentObject, sendMultipart } from './multipart-helpers.ts';

// An attachment object's `length` is what a reader is told of its content: one sent with its
// content as a multipart part must say how many bytes the part holds. A statement that says
// otherwise is a 400 naming both figures, and nothing of it is stored.
describeEachStore('attachment lengths against the bytes received', (lrs) => {
  const content = Buffer.from('eleven byte');

  it('refuses a length that is not the part size, and stores nothing', async () => {
    for (const length of [5, 12, 1e12, 0]) {
      const s = make.statement({ attachments: [attachmentObject(content, { length })] });
      const res = await sendMultipart(lrs.server, lrs.admin, '/xapi/statements', s, [{ content }]);
      expect(res.status, `${String(length)}: ${res.text}`).toBe(400);
      expect(res.message).toContain(`has length ${String(length)}`);
      expect(res.message).toContain('holds 11 bytes');
      expect(await lrs.status(`/xapi/statements?statementId=${s.id}`)).toBe(404);
    }
    // In a SubStatement too.
    const sub = make.statement({
      object: {
        objectType: 'SubStatement',
        actor: { mbox: 'mailto:sub@example.org' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
        object: { id: 'http://example.org/activity' },
        attachments: [attachmentObject(content, { length: 3 })],
      },
    });
    const res = await sendMultipart(lrs.server, lrs.admin, '/xapi/statements', sub, [{ content }]);
    expect(res.status, res.text).toBe(400);
  });

  it('takes the length of the part, with PUT and POST', async () => {
    const put = make.statement({ attachments: [attachmentObject(content)] });
    const res = await sendMultipart(
      lrs.server,
      lrs.admin,
      `/xapi/statements?statementId=${put.id}`,
      put,
      [{ content }],
      'PUT',
    );
    expect(res.status, res.text).toBe(204);
    const post = make.statement({ attachments: [attachmentObject(content)] });
    const posted = await sendMultipart(lrs.server, lrs.admin, '/xapi/statements', post, [
      { content },
    ]);
    expect(posted.status, posted.text).toBe(200);
  });
});
