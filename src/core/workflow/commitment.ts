import type { Label } from '../types.ts';

/**
 * The security commitment (公共数据安全承诺书) an applicant accepts with every application for
 * conditional data (Shandong's 细则 asks for it alongside the application form). Versions are
 * never edited: an application stores the version it accepted, and that version's text stays
 * here for as long as the application is kept. A changed text is a new version at the end.
 */
export interface Commitment {
  version: string;
  text: Label;
}

export const commitments: readonly Commitment[] = [
  {
    version: '2026-01',
    text: {
      zh: [
        '本人（本单位）申请使用有条件开放的公共数据，郑重承诺：',
        '一、仅在申请所述的用途、应用场景和期限内使用数据，不超范围使用，不向第三方提供、转让或公开数据；',
        '二、采取必要的管理和技术措施保障数据安全，防止数据泄露、篡改、丢失和滥用；',
        '三、不试图识别特定自然人，不将数据与其他数据关联以重新识别个人信息，不损害国家利益、社会公共利益和他人合法权益；',
        '四、按要求向数据提供部门报告数据利用情况、成果与效益产出情况，利用成果中注明数据来源和提供部门；',
        '五、使用期限届满或授权被撤销后，停止使用并删除所获取的数据；',
        '六、如违反上述承诺，接受暂停或终止数据获取权限并在平台公示等处理，并依法承担相应责任。',
      ].join('\n'),
      en: [
        'I (or my organisation) apply to use conditionally opened public data and undertake:',
        '1. to use the data only for the purpose, scenario and period stated in the application, and not to provide, transfer or publish it to any third party;',
        '2. to take the organisational and technical measures needed to keep the data secure against leakage, alteration, loss and misuse;',
        '3. not to try to identify any natural person, not to link the data with other data to re-identify personal information, and not to harm national or public interests or the lawful rights of others;',
        '4. to report the use of the data, its results and benefits to the providing department as required, and to cite the data source and the providing department in any result;',
        '5. to stop using and delete the data when the period ends or the grant is revoked;',
        '6. to accept suspension or termination of access, its announcement on the platform, and legal liability if these commitments are broken.',
      ].join('\n'),
    },
  },
];

export const currentCommitment = (): Commitment => commitments[commitments.length - 1];

export const findCommitment = (version: string): Commitment | undefined =>
  commitments.find((c) => c.version === version);
