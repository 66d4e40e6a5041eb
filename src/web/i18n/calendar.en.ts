import type { calendarZh } from './calendar.zh.ts';

/** English text of the holiday calendar page and the provisional-deadline mark (issue 14). */
export const calendarEn: Record<keyof typeof calendarZh, string> = {
  'cal.days.working': '{n} working days',
  'cal.days.calendar': '{n} calendar days',
  'cal.provisional': 'provisional',
  'cal.provisional.hint':
    'The {year} holiday arrangement has not been imported: counted Monday–Friday for now, recomputed once it is',
  'cal.provisional.hintAny':
    'A year it runs into has no holiday arrangement yet: counted Monday–Friday for now, recomputed once it is imported',
  'cal.nav': 'Holiday calendar',
  'cal.title': 'Holiday calendar',
  'cal.lead':
    'Deadlines are counted in working days. Each year the State Council publishes the next year’s holidays (usually in November): import them here.',
  'cal.warning':
    'The {year} holiday arrangement has not been imported: deadlines in {year} count Monday–Friday and are marked provisional.',
  'cal.warning.action': 'Import {year}',
  'cal.years': 'Years known',
  'cal.col.year': 'Year',
  'cal.col.source': 'Source',
  'cal.col.title': 'Notice',
  'cal.col.days': 'Days off / make-up days',
  'cal.col.updated': 'Updated',
  'cal.source.package': 'shipped with the software',
  'cal.source.import': 'imported by the data authority',
  'cal.edit': 'Edit',
  'cal.import.title': 'Import or edit a year',
  'cal.import.lead':
    'One holiday a line, as the notice lists them: name,first day off,last day off,make-up days (separated by spaces). JSON as in the API guide is accepted too.',
  'cal.field.year': 'Year',
  'cal.field.title': 'Notice title',
  'cal.field.reference': 'Document number or URL',
  'cal.field.text': 'Arrangement',
  'cal.submit': 'Import',
  'cal.done':
    'The {year} holiday arrangement is imported: {moved} open deadlines were recomputed and the people concerned told.',
  'cal.lastKnown': 'Last day known: {date}. Deadlines after it are provisional.',
  'dataset.notOpenLegalBasis': 'Legal basis for not opening',
  'dataset.notSharedReason': 'Reason for not sharing',
  'dataset.notSharedLegalBasis': 'Legal basis for not sharing',
  'form.hint.legalBasis':
    'Name the law, regulation or rule and its article, e.g. “Personal Information Protection Law, Article 28”.',
  'form.hint.notSharedReason': 'Required when the dataset is not shared: give the actual reason.',
};
