// Every sentence of the officials' web form, in French (the default) and English. Sentences with
// figures are functions, so numbers and times are formatted the way each language reads them.
// The English table is typed from the French one: a sentence missing in one language fails the
// type check.
import { CHECKS, type CheckCode } from '../../core/checks.js'
import type { FigureProblem } from './sheet-entry.js'

export type Lang = 'fr' | 'en'
export const LANGS: readonly Lang[] = ['fr', 'en']

/** Lockouts are announced in the time officials in metropolitan France read on their watch. */
const TIME_ZONE = 'Europe/Paris'

export function parseLang(value: unknown): Lang | undefined {
  return value === 'fr' || value === 'en' ? value : undefined
}

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB')

export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(locale(lang)).format(n)
}

export function formatBytes(lang: Lang, bytes: number): string {
  const units = lang === 'fr' ? ['octets', 'ko', 'Mo'] : ['bytes', 'kB', 'MB']
  if (bytes < 1000) return `${formatNumber(lang, bytes)} ${units[0]}`
  const [value, unit] = bytes < 1_000_000 ? [bytes / 1000, units[1]] : [bytes / 1_000_000, units[2]]
  return `${new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 }).format(value)} ${unit}`
}

export function formatTime(lang: Lang, at: Date): string {
  return new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE }).format(at)
}

export function formatDateTime(lang: Lang, at: Date): string {
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'long', timeStyle: 'short', timeZone: TIME_ZONE }).format(at)
}

const fr = {
  service: 'Résultats du bureau de vote',
  otherLanguage: 'English',
  signOut: 'Se déconnecter',
  station: (code: string, name: string, commune: string) => `Bureau ${code} — ${name}, ${commune}`,
  helpline: (phone: string | undefined) =>
    phone === undefined ? 'Besoin d’aide ? Appelez la cellule élections de votre préfecture.' : `Besoin d’aide ? Appelez la cellule élections au ${phone}.`,

  loginTitle: 'Connexion',
  loginIntro: 'Saisissez le code du bureau et le code PIN remis par la préfecture.',
  codeLabel: 'Code du bureau (8 chiffres)',
  pinLabel: 'Code PIN (6 chiffres)',
  loginButton: 'Continuer',
  codeFormat: 'Le code du bureau compte 8 chiffres.',
  pinFormat: 'Le code PIN compte 6 chiffres.',
  wrongPin: 'Code du bureau ou code PIN incorrect. Après 5 erreurs, la connexion est bloquée 15 minutes.',
  lockedTitle: 'Connexion bloquée',
  locked: (until: string, minutes: number) =>
    `Trop d’essais erronés : la connexion est bloquée jusqu’à ${until} (heure de Paris), soit pendant ${minutes} min. Réessayez ensuite.`,
  lockedCall: (phone: string | undefined) =>
    phone === undefined
      ? 'Si vous n’avez pas le bon code PIN, appelez la cellule élections de votre préfecture : elle peut vous en donner un nouveau.'
      : `Si vous n’avez pas le bon code PIN, appelez la cellule élections au ${phone} : elle peut vous en donner un nouveau.`,
  sessionExpired: 'Votre session a expiré ou vous n’êtes pas connecté : reconnectez-vous. Rien n’a été envoyé depuis la dernière confirmation.',
  signedOut: 'Vous êtes déconnecté.',
  notReady: 'Le service démarre : réessayez dans une minute.',
  noContest: 'Aucun scrutin n’est prévu pour ce bureau dans l’élection chargée. Appelez la cellule élections.',

  sheetTitle: 'Procès-verbal',
  sheetIntro: 'Recopiez les chiffres du procès-verbal signé. Vous pourrez les vérifier avant l’envoi.',
  registered: (n: string) => `Inscrits : ${n}`,
  voters: 'Nombre de votants',
  blank: 'Bulletins blancs',
  invalid: 'Bulletins nuls',
  candidate: (ballot: number, name: string) => `N° ${ballot} — ${name}`,
  scanLabel: 'Photo ou scan du procès-verbal signé (facultatif)',
  scanHint: (max: string) => `Image JPEG ou PNG, ou PDF, ${max} au plus.`,
  scanAttached: (file: string, size: string) => `Fichier joint : ${file} (${size}).`,
  scanReplace: 'Pour le remplacer, choisissez un autre fichier.',
  scanRemove: 'Retirer ce fichier',
  checkButton: 'Vérifier les chiffres',
  problemsTitle: 'Corrigez les champs signalés :',
  figureProblem: (p: FigureProblem, n: (x: number) => string): string => {
    switch (p.code) {
      case 'missing':
        return 'Saisissez ce nombre (0 s’il n’y en a aucun).'
      case 'not-a-number':
        return 'Saisissez un nombre entier, en chiffres uniquement.'
      case 'negative':
        return 'Un nombre ne peut pas être négatif.'
      case 'absurd':
        return `Ce nombre dépasse de loin les ${n(p.registered)} inscrits du bureau : vérifiez-le.`
    }
  },
  scanTooLarge: (max: string) => `Le fichier dépasse ${max} : envoyez une photo moins lourde, ou aucun fichier. Les chiffres saisis sont conservés.`,
  scanNotAccepted: 'Ce fichier n’est ni une image JPEG ou PNG ni un PDF : choisissez la photo ou le scan du procès-verbal. Les chiffres saisis sont conservés.',
  scanUnavailable: 'Le fichier n’a pas pu être enregistré : réessayez, ou continuez sans fichier. Les chiffres saisis sont conservés.',

  confirmTitle: 'Vérification',
  confirmIntro: 'Vérifiez que ces chiffres sont bien ceux du procès-verbal signé. Rien n’est encore envoyé.',
  valid: 'Suffrages exprimés (total des voix)',
  warningsTitle: 'À vérifier avant de confirmer :',
  warning: (code: CheckCode): string => CHECKS[code].fr,
  noScan: 'Aucun fichier joint.',
  scanSummary: (file: string, size: string, sha: string) => `Fichier joint : ${file} (${size}), empreinte SHA-256 ${sha}.`,
  confirmButton: 'Confirmer et envoyer',
  correctButton: 'Corriger',
  notDurable: 'Les résultats n’ont pas pu être enregistrés : rien n’a été envoyé. Réessayez dans quelques secondes.',
  inProgress: 'L’envoi est en cours d’enregistrement. Actualisez cette page dans un instant pour voir le récépissé.',
  conflict: 'Des chiffres différents ont déjà été envoyés depuis cette connexion. Reconnectez-vous pour envoyer une correction.',

  receiptTitle: 'Récépissé',
  receiptDone: 'Les résultats du bureau sont enregistrés.',
  receiptNumber: 'Numéro de récépissé :',
  receiptKeep: 'Notez ce numéro : il prouve l’envoi.',
  receiptAt: (at: string) => `Enregistré le ${at} (heure de Paris).`,
  correctionIntro: 'Une erreur ? Envoyez une correction : la préfecture l’examinera.',
  correctionButton: 'Envoyer une correction',

  errorTitle: 'Erreur',
  forbidden: 'Ce formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.',
  badRequest: 'Le formulaire envoyé est incomplet ou illisible. Rechargez la page et recommencez.',
  internal: 'Une erreur est survenue de notre côté : rien n’a été envoyé. Réessayez dans un instant.',
  backToStart: 'Retour à la connexion',
  backToSheet: 'Retour au procès-verbal',
  seeReceipt: 'Voir le récépissé',
}

type Texts = typeof fr

const en: Texts = {
  service: 'Polling-station results',
  otherLanguage: 'Français',
  signOut: 'Sign out',
  station: (code, name, commune) => `Station ${code} — ${name}, ${commune}`,
  helpline: (phone) => (phone === undefined ? 'Need help? Call your prefecture’s election desk.' : `Need help? Call the election desk on ${phone}.`),

  loginTitle: 'Sign in',
  loginIntro: 'Enter the station code and the PIN the prefecture gave you.',
  codeLabel: 'Station code (8 digits)',
  pinLabel: 'PIN (6 digits)',
  loginButton: 'Continue',
  codeFormat: 'The station code has 8 digits.',
  pinFormat: 'The PIN has 6 digits.',
  wrongPin: 'Wrong station code or PIN. After 5 mistakes, signing in is blocked for 15 minutes.',
  lockedTitle: 'Signing in is blocked',
  locked: (until, minutes) => `Too many wrong attempts: signing in is blocked until ${until} (Paris time), for ${minutes} min. Try again then.`,
  lockedCall: (phone) =>
    phone === undefined
      ? 'If you do not have the right PIN, call your prefecture’s election desk: they can give you a new one.'
      : `If you do not have the right PIN, call the election desk on ${phone}: they can give you a new one.`,
  sessionExpired: 'Your session has expired or you are not signed in: please sign in again. Nothing was sent since your last confirmation.',
  signedOut: 'You are signed out.',
  notReady: 'The service is starting: try again in a minute.',
  noContest: 'The loaded election has no contest for this station. Call the election desk.',

  sheetTitle: 'Tally sheet',
  sheetIntro: 'Copy the figures from the signed tally sheet. You can check them before sending.',
  registered: (n) => `Registered voters: ${n}`,
  voters: 'Voters',
  blank: 'Blank ballots',
  invalid: 'Invalid ballots',
  candidate: (ballot, name) => `No. ${ballot} — ${name}`,
  scanLabel: 'Photo or scan of the signed tally sheet (optional)',
  scanHint: (max) => `A JPEG or PNG image, or a PDF, ${max} at most.`,
  scanAttached: (file, size) => `File attached: ${file} (${size}).`,
  scanReplace: 'To replace it, choose another file.',
  scanRemove: 'Remove this file',
  checkButton: 'Check the figures',
  problemsTitle: 'Please correct the fields marked:',
  figureProblem: (p, n) => {
    switch (p.code) {
      case 'missing':
        return 'Enter this figure (0 if there are none).'
      case 'not-a-number':
        return 'Enter a whole number, in digits only.'
      case 'negative':
        return 'A figure cannot be negative.'
      case 'absurd':
        return `This is far more than the station’s ${n(p.registered)} registered voters: please check it.`
    }
  },
  scanTooLarge: (max) => `The file is larger than ${max}: send a lighter photo, or no file. Your figures are kept.`,
  scanNotAccepted: 'This file is neither a JPEG or PNG image nor a PDF: choose the photo or scan of the tally sheet. Your figures are kept.',
  scanUnavailable: 'The file could not be stored: try again, or go on without a file. Your figures are kept.',

  confirmTitle: 'Check and confirm',
  confirmIntro: 'Check that these are the figures of the signed tally sheet. Nothing has been sent yet.',
  valid: 'Valid votes (total of the candidates)',
  warningsTitle: 'Please check before confirming:',
  warning: (code) => CHECKS[code].en,
  noScan: 'No file attached.',
  scanSummary: (file, size, sha) => `File attached: ${file} (${size}), SHA-256 fingerprint ${sha}.`,
  confirmButton: 'Confirm and send',
  correctButton: 'Correct',
  notDurable: 'The results could not be stored: nothing was sent. Try again in a few seconds.',
  inProgress: 'Your results are being stored. Refresh this page in a moment to see the receipt.',
  conflict: 'Different figures were already sent from this session. Sign in again to send a correction.',

  receiptTitle: 'Receipt',
  receiptDone: 'The station’s results are stored.',
  receiptNumber: 'Receipt number:',
  receiptKeep: 'Write this number down: it proves you sent the results.',
  receiptAt: (at) => `Stored on ${at} (Paris time).`,
  correctionIntro: 'A mistake? Send a correction: the prefecture will review it.',
  correctionButton: 'Send a correction',

  errorTitle: 'Error',
  forbidden: 'This form has expired or did not come from this site. Reload the page and start again.',
  badRequest: 'The form sent was incomplete or unreadable. Reload the page and start again.',
  internal: 'Something went wrong on our side: nothing was sent. Try again in a moment.',
  backToStart: 'Back to sign in',
  backToSheet: 'Back to the tally sheet',
  seeReceipt: 'See the receipt',
}

const TEXTS: Record<Lang, Texts> = { fr, en }

export function textsFor(lang: Lang): Texts {
  return TEXTS[lang]
}
