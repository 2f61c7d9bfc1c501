// Everything the IVR says, in one place per language. French is the default; English is offered
// at the start of a call (press 9) or chosen by the number the official dialled (`?lang=en`).
// Texts are written to be heard: short sentences, one instruction each, digits spaced so the
// voice reads them one by one.
import type { SayLanguage } from './twiml.js'

export type Language = 'fr' | 'en'

export const SAY_LANGUAGE: Record<Language, SayLanguage> = { fr: 'fr-FR', en: 'en-GB' }

/** The tally-sheet figures the IVR asks for, besides each candidate's votes. */
export type SheetField = 'voters' | 'blank' | 'invalid'

export interface Prompts {
  welcome: string
  /** Said at the start of a French call only. */
  offerEnglish?: string
  askCode: string
  askPin: string
  wrongCodeOrPin: string
  locked(minutes: number): string
  stationOpened(station: string, election: string): string
  howToEnter: string
  contest(name: string): string
  askField(field: SheetField): string
  askVotes(ballot: number, name: string): string
  noted(value: number): string
  readBackIntro: string
  readBackLine(line: number, label: string, value: number): string
  fieldLabel(field: SheetField): string
  candidateLabel(ballot: number, name: string): string
  confirmOrCorrect: string
  askLine(lines: number): string
  askCorrection(line: number, label: string): string
  invalid: string
  silence: string
  tooManyTries: string
  receipts(count: number): string
  receiptFor(contest: string, spelled: string): string
  repeat: string
  goodbye: string
  notRecorded: string
  notOpen: string
  unknownStation: string
  expired: string
  technicalProblem: string
}

const FIELD_FR: Record<SheetField, string> = { voters: 'votants', blank: 'bulletins blancs', invalid: 'bulletins nuls' }
const FIELD_EN: Record<SheetField, string> = { voters: 'voters', blank: 'blank ballots', invalid: 'invalid ballots' }

const fr: Prompts = {
  welcome: 'Bienvenue sur le service de transmission des résultats des bureaux de vote.',
  offerEnglish: 'For English, press 9, then the hash key.',
  askCode: 'Tapez le code du bureau de vote, 8 chiffres, puis dièse.',
  askPin: 'Tapez le code confidentiel, 6 chiffres, puis dièse.',
  wrongCodeOrPin: 'Le code du bureau ou le code confidentiel est incorrect.',
  locked: (minutes) =>
    `Trop d’essais incorrects. L’accès est bloqué pendant ${minutes} minute${minutes > 1 ? 's' : ''}. Rappelez plus tard, ou contactez la préfecture.`,
  stationOpened: (station, election) => `Bureau de vote : ${station}. ${election}.`,
  howToEnter: 'Tapez chaque nombre du procès-verbal, dans l’ordre de la feuille, puis dièse.',
  contest: (name) => `Scrutin : ${name}.`,
  askField: (field) => `Nombre de ${FIELD_FR[field]}, puis dièse.`,
  askVotes: (ballot, name) => `Candidat numéro ${ballot}, ${name} : nombre de voix, puis dièse.`,
  noted: (value) => `Noté : ${value}.`,
  readBackIntro: 'Voici les nombres saisis.',
  readBackLine: (line, label, value) => `Ligne ${line}, ${label} : ${value}.`,
  fieldLabel: (field) => FIELD_FR[field],
  candidateLabel: (ballot, name) => `numéro ${ballot}, ${name}`,
  confirmOrCorrect: 'Pour confirmer et transmettre, tapez 1. Pour corriger une ligne, tapez 2.',
  askLine: (lines) => `Tapez le numéro de la ligne à corriger, de 1 à ${lines}, puis dièse.`,
  askCorrection: (line, label) => `Ligne ${line}, ${label} : tapez le nombre exact, puis dièse.`,
  invalid: 'Saisie non valide.',
  silence: 'Je n’ai rien entendu.',
  tooManyTries: 'Aucune saisie valide après trois essais. Rien n’a été transmis. Rappelez quand vous serez prêt. Au revoir.',
  receipts: (count) => (count > 1 ? 'Vos résultats sont enregistrés. Notez vos numéros de récépissé.' : 'Vos résultats sont enregistrés. Notez votre numéro de récépissé.'),
  receiptFor: (contest, spelled) => `${contest} : ${spelled}`,
  repeat: 'Je répète.',
  goodbye: 'Merci. Au revoir.',
  notRecorded:
    'Vos résultats n’ont pas pu être enregistrés et aucun récépissé n’a été délivré. Rien n’a été transmis. Rappelez dans quelques minutes. Au revoir.',
  notOpen: 'Le service n’est pas encore ouvert. Rappelez dans quelques minutes. Au revoir.',
  unknownStation: 'Ce bureau de vote ne figure pas dans l’élection en cours. Contactez la préfecture. Au revoir.',
  expired: 'Cet appel a expiré. Rien n’a été transmis. Rappelez pour saisir vos résultats. Au revoir.',
  technicalProblem: 'Un incident technique empêche de poursuivre cet appel. Rappelez dans quelques minutes. Au revoir.',
}

const en: Prompts = {
  welcome: 'Welcome to the polling-station results line.',
  askCode: 'Enter the polling-station code, 8 digits, then the hash key.',
  askPin: 'Enter the PIN, 6 digits, then the hash key.',
  wrongCodeOrPin: 'The station code or the PIN is not correct.',
  locked: (minutes) =>
    `Too many wrong attempts. Access is blocked for ${minutes} minute${minutes > 1 ? 's' : ''}. Call again later, or contact the prefecture.`,
  stationOpened: (station, election) => `Polling station: ${station}. ${election}.`,
  howToEnter: 'Enter each figure of the tally sheet, in the order of the sheet, then the hash key.',
  contest: (name) => `Contest: ${name}.`,
  askField: (field) => `Number of ${FIELD_EN[field]}, then hash.`,
  askVotes: (ballot, name) => `Candidate number ${ballot}, ${name}: number of votes, then hash.`,
  noted: (value) => `Recorded: ${value}.`,
  readBackIntro: 'Here are the figures you entered.',
  readBackLine: (line, label, value) => `Line ${line}, ${label}: ${value}.`,
  fieldLabel: (field) => FIELD_EN[field],
  candidateLabel: (ballot, name) => `number ${ballot}, ${name}`,
  confirmOrCorrect: 'To confirm and send, press 1. To correct a line, press 2.',
  askLine: (lines) => `Enter the number of the line to correct, from 1 to ${lines}, then hash.`,
  askCorrection: (line, label) => `Line ${line}, ${label}: enter the right figure, then hash.`,
  invalid: 'That entry is not valid.',
  silence: 'I did not hear anything.',
  tooManyTries: 'No valid entry after three tries. Nothing was sent. Call again when you are ready. Goodbye.',
  receipts: (count) => (count > 1 ? 'Your results are recorded. Write down your receipt numbers.' : 'Your results are recorded. Write down your receipt number.'),
  receiptFor: (contest, spelled) => `${contest}: ${spelled}`,
  repeat: 'Again.',
  goodbye: 'Thank you. Goodbye.',
  notRecorded: 'Your results could not be recorded and no receipt was given. Nothing was sent. Please call again in a few minutes. Goodbye.',
  notOpen: 'The service is not open yet. Please call again in a few minutes. Goodbye.',
  unknownStation: 'This polling station is not part of the current election. Please contact the prefecture. Goodbye.',
  expired: 'This call has expired. Nothing was sent. Call again to enter your results. Goodbye.',
  technicalProblem: 'A technical problem stops this call. Please call again in a few minutes. Goodbye.',
}

export const PROMPTS: Record<Language, Prompts> = { fr, en }

/** A receipt such as "7K2M-9XQ4-…" spoken one character at a time, a pause between groups. */
export function spellOut(receipt: string): string {
  return receipt
    .split('-')
    .map((group) => [...group].join(', '))
    .join('. ')
}
