/** Hand-built articles for tests that must not depend on the parser. */
import type { Article } from '../../src/kb/article.js';

export function makeArticle(fields: Partial<Article> & { id: string }): Article {
  return {
    path: `/kb/${fields.id}.txt`,
    title: `Title of ${fields.id}`,
    product: null,
    category: null,
    versions: [],
    date: null,
    keywords: [],
    issueType: null,
    solutionType: null,
    appliesTo: [],
    sections: {},
    errorMessages: [],
    steps: [],
    registryKeys: [],
    files: [],
    related: [],
    registryWarning: false,
    form: 'text',
    source: null,
    url: null,
    alertNames: [],
    ...fields,
  };
}

/** Three articles shaped like the seeds, with the fields the bot uses. */
export const SAMPLE_ARTICLES: Article[] = [
  makeArticle({
    id: 'Q290226',
    title: 'XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
    product: 'Microsoft Exchange',
    versions: ['5.5'],
    date: '2001-08-23',
    form: 'markdown',
    sections: {
      symptoms:
        'An error message occurs when you try to apply Exchange Server 5.5 Service Pack 3. The error message is: The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002',
      cause: 'This issue can occur if you removed the Key Management Service (KMS) component incorrectly.',
      resolution: 'To resolve this issue, remove the KMS component and apply the service pack.',
    },
    errorMessages: ['The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002'],
    steps: ['Start Registry Editor.', 'Delete the KMServer key.', 'Apply the service pack again.'],
    registryKeys: ['HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer'],
    related: ['Q235418'],
    registryWarning: true,
  }),
  makeArticle({
    id: 'Q235418',
    title: 'XADM: Cannot Apply Service Pack on KM Server',
    date: '2002-06-11',
    sections: {
      symptoms: 'The system cannot find the file specified.',
      cause: 'The KM server password was added to the ImagePath value.',
    },
    errorMessages: ['The system cannot find the file specified.'],
  }),
  makeArticle({
    id: 'Q174743',
    title: 'XADM: Cannot Install 4.0/5.0 KMS After Installing 5.5 Server',
    date: '1999-03-08',
    sections: { symptoms: 'Unable to create Encryption-Cfg object in the site you are running Setup.' },
    errorMessages: ['Unable to create Encryption-Cfg object in the site you are running Setup.'],
  }),
];
