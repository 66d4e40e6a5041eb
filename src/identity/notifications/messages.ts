import type { Label } from '../../core/index.ts';

/**
 * What each notification says, in both languages. Rows keep only the kind and its parameters,
 * so a wording can be improved without rewriting anyone's inbox.
 */
export type NotificationKind =
  | 'request.submitted'
  | 'request.returned'
  | 'request.resubmitted'
  | 'request.approved'
  | 'request.rejected'
  | 'request.withdrawn'
  | 'request.escalated'
  | 'request.reminder'
  | 'request.overdue'
  | 'request.deadline_moved'
  | 'request.negotiation_opened'
  | 'request.negotiation_message'
  | 'request.negotiation_failed'
  | 'grant.suspended'
  | 'grant.reinstated'
  | 'grant.revoked'
  | 'grant.expired'
  | 'grant.report_due'
  | 'grant.report_filed'
  | 'account.locked'
  | 'grant.ruling_requested'
  | 'grant.ruling_request_accepted'
  | 'grant.ruling_request_refused';

export interface NotificationParams {
  /** 'application' | 'sharing' for request notices. */
  requestKind?: string;
  datasets?: string[];
  reason?: string | null;
  dueDate?: string | null;
  final?: boolean;
  [key: string]: unknown;
}

const what = (p: NotificationParams): Label =>
  p.requestKind === 'sharing'
    ? { zh: '共享申请', en: 'Sharing request' }
    : { zh: '有条件开放申请', en: 'Application for conditional data' };

const stepZh = (p: NotificationParams) => (p.step === 'suspend' ? '暂停' : '撤销');

const TITLES: Record<NotificationKind, (p: NotificationParams) => Label> = {
  'request.submitted': (p) => ({
    zh: `新的${what(p).zh}待处理`,
    en: `New ${what(p).en.toLowerCase()} to answer`,
  }),
  'request.returned': (p) => ({
    zh: `${what(p).zh}被退回补充材料`,
    en: `${what(p).en} returned for more information`,
  }),
  'request.resubmitted': (p) => ({
    zh: `${what(p).zh}已补充材料`,
    en: `${what(p).en} resubmitted with more information`,
  }),
  'request.approved': (p) => ({
    zh: `${what(p).zh}已通过${p.final ? '（数据主管部门裁定）' : ''}`,
    en: `${what(p).en} approved${p.final ? ' (data authority ruling)' : ''}`,
  }),
  'request.rejected': (p) => ({
    zh: `${what(p).zh}未通过${p.final ? '（数据主管部门裁定）' : ''}`,
    en: `${what(p).en} rejected${p.final ? ' (data authority ruling)' : ''}`,
  }),
  'request.withdrawn': (p) => ({ zh: `${what(p).zh}已撤回`, en: `${what(p).en} withdrawn` }),
  'request.escalated': () => ({
    zh: '共享申请已提请数据主管部门协调',
    en: 'Sharing request escalated to the data authority',
  }),
  'request.reminder': (p) => ({
    zh: `${what(p).zh}即将到期，请于 ${p.dueDate} 前答复`,
    en: `${what(p).en} due on ${p.dueDate}`,
  }),
  'request.overdue': (p) => ({
    zh: `${what(p).zh}已超过答复期限（${p.dueDate}）`,
    en: `${what(p).en} is past its deadline (${p.dueDate})`,
  }),
  'request.deadline_moved': (p) => ({
    zh: `节假日安排更新，${what(p).zh}的答复期限由 ${p.previousDueDate} 改为 ${p.dueDate}`,
    en: `Holiday calendar updated: the ${what(p).en.toLowerCase()} is now due on ${p.dueDate} (was ${p.previousDueDate})`,
  }),
  'request.negotiation_opened': (p) => ({
    zh: `共享申请进入协商，请双方于 ${p.dueDate} 前协商解决`,
    en: `Sharing request in negotiation (协商) until ${p.dueDate}`,
  }),
  'request.negotiation_message': () => ({
    zh: '共享申请协商有新留言',
    en: 'New message in a sharing negotiation',
  }),
  'request.negotiation_failed': () => ({
    zh: '共享申请协商未达成一致，可提请数据主管部门协调',
    en: 'Sharing negotiation failed: the request may go to the data authority',
  }),
  'grant.suspended': () => ({ zh: '数据使用授权已暂停', en: 'Data grant suspended' }),
  'grant.reinstated': () => ({ zh: '数据使用授权已恢复', en: 'Data grant reinstated' }),
  'grant.revoked': () => ({ zh: '数据使用授权已撤销', en: 'Data grant revoked' }),
  'grant.expired': () => ({ zh: '数据使用授权已到期', en: 'Data grant expired' }),
  'grant.report_due': (p) => ({
    zh: `请于 ${p.dueDate} 前提交数据利用情况报告`,
    en: `Usage report due on ${p.dueDate}`,
  }),
  'grant.report_filed': () => ({ zh: '收到数据利用情况报告', en: 'Usage report received' }),
  // To the account holder: if it was not them, someone is guessing their password.
  'account.locked': (p) => ({
    zh: `您的账号因多次登录失败已暂时锁定（至 ${p.until}）；如非本人操作，请修改密码`,
    en: `Your account was locked after repeated failed sign-ins (until ${p.until}); if this was not you, change your password`,
  }),
  'grant.ruling_requested': (p) => ({
    zh: `提供部门申请${stepZh(p)}数据主管部门裁定的授权`,
    en: `The providing department asks to ${p.step} a grant the data authority ordered`,
  }),
  'grant.ruling_request_accepted': (p) => ({
    zh: `数据主管部门同意${stepZh(p)}其裁定的授权`,
    en: `The data authority agreed to ${p.step} the grant it ordered`,
  }),
  'grant.ruling_request_refused': (p) => ({
    zh: `数据主管部门不同意${stepZh(p)}其裁定的授权`,
    en: `The data authority refused to ${p.step} the grant it ordered`,
  }),
};

export function renderNotification(kind: string, params: NotificationParams): { title: Label; body: Label } {
  const title = (TITLES as Record<string, ((p: NotificationParams) => Label) | undefined>)[kind]?.(
    params,
  ) ?? { zh: kind, en: kind };
  const datasets = params.datasets?.length ? params.datasets.join('、') : '';
  const zh = [datasets && `数据集：${datasets}`, params.reason && `理由：${params.reason}`]
    .filter(Boolean)
    .join('\n');
  const en = [
    datasets && `Datasets: ${params.datasets!.join(', ')}`,
    params.reason && `Reason: ${params.reason}`,
  ]
    .filter(Boolean)
    .join('\n');
  return { title, body: { zh, en } };
}
