// Facts about France's administrative areas since the 2016 reform: régions, their départements,
// and how the Ministry of the Interior codes the overseas départements, collectivités and the
// French abroad in its results files (ZA, ZB, …, ZZ).

export interface DepartementFact {
  /** The Ministry's code in results files: "01".."95", "2A", "2B", "ZA".."ZZ". */
  code: string
  name: string
  /** The INSEE code used by maps and the postcode table: "971" for ZA, same as `code` in metropolitan France. */
  insee: string
  region: string
}

export interface RegionFact {
  code: string
  name: string
}

/** INSEE région codes (2016). "COM" and "FE" are not régions; they group what results are reported beside them. */
export const REGIONS: readonly RegionFact[] = [
  { code: '84', name: 'Auvergne-Rhône-Alpes' },
  { code: '27', name: 'Bourgogne-Franche-Comté' },
  { code: '53', name: 'Bretagne' },
  { code: '24', name: 'Centre-Val de Loire' },
  { code: '94', name: 'Corse' },
  { code: '44', name: 'Grand Est' },
  { code: '32', name: 'Hauts-de-France' },
  { code: '11', name: 'Île-de-France' },
  { code: '28', name: 'Normandie' },
  { code: '75', name: 'Nouvelle-Aquitaine' },
  { code: '76', name: 'Occitanie' },
  { code: '52', name: 'Pays de la Loire' },
  { code: '93', name: "Provence-Alpes-Côte d'Azur" },
  { code: '01', name: 'Guadeloupe' },
  { code: '02', name: 'Martinique' },
  { code: '03', name: 'Guyane' },
  { code: '04', name: 'La Réunion' },
  { code: '06', name: 'Mayotte' },
  { code: 'COM', name: "Collectivités d'outre-mer" },
  { code: 'FE', name: 'Français établis hors de France' },
]

type Row = readonly [code: string, name: string, region: string, insee?: string]

const DEPARTEMENT_ROWS: readonly Row[] = [
  ['01', 'Ain', '84'], ['02', 'Aisne', '32'], ['03', 'Allier', '84'],
  ['04', 'Alpes-de-Haute-Provence', '93'], ['05', 'Hautes-Alpes', '93'], ['06', 'Alpes-Maritimes', '93'],
  ['07', 'Ardèche', '84'], ['08', 'Ardennes', '44'], ['09', 'Ariège', '76'], ['10', 'Aube', '44'],
  ['11', 'Aude', '76'], ['12', 'Aveyron', '76'], ['13', 'Bouches-du-Rhône', '93'], ['14', 'Calvados', '28'],
  ['15', 'Cantal', '84'], ['16', 'Charente', '75'], ['17', 'Charente-Maritime', '75'], ['18', 'Cher', '24'],
  ['19', 'Corrèze', '75'], ['2A', 'Corse-du-Sud', '94'], ['2B', 'Haute-Corse', '94'], ['21', "Côte-d'Or", '27'],
  ["22", "Côtes-d'Armor", '53'], ['23', 'Creuse', '75'], ['24', 'Dordogne', '75'], ['25', 'Doubs', '27'],
  ['26', 'Drôme', '84'], ['27', 'Eure', '28'], ['28', 'Eure-et-Loir', '24'], ['29', 'Finistère', '53'],
  ['30', 'Gard', '76'], ['31', 'Haute-Garonne', '76'], ['32', 'Gers', '76'], ['33', 'Gironde', '75'],
  ['34', 'Hérault', '76'], ['35', 'Ille-et-Vilaine', '53'], ['36', 'Indre', '24'], ['37', 'Indre-et-Loire', '24'],
  ['38', 'Isère', '84'], ['39', 'Jura', '27'], ['40', 'Landes', '75'], ['41', 'Loir-et-Cher', '24'],
  ['42', 'Loire', '84'], ['43', 'Haute-Loire', '84'], ['44', 'Loire-Atlantique', '52'], ['45', 'Loiret', '24'],
  ['46', 'Lot', '76'], ['47', 'Lot-et-Garonne', '75'], ['48', 'Lozère', '76'], ['49', 'Maine-et-Loire', '52'],
  ['50', 'Manche', '28'], ['51', 'Marne', '44'], ['52', 'Haute-Marne', '44'], ['53', 'Mayenne', '52'],
  ['54', 'Meurthe-et-Moselle', '44'], ['55', 'Meuse', '44'], ['56', 'Morbihan', '53'], ['57', 'Moselle', '44'],
  ['58', 'Nièvre', '27'], ['59', 'Nord', '32'], ['60', 'Oise', '32'], ['61', 'Orne', '28'],
  ['62', 'Pas-de-Calais', '32'], ['63', 'Puy-de-Dôme', '84'], ['64', 'Pyrénées-Atlantiques', '75'],
  ['65', 'Hautes-Pyrénées', '76'], ['66', 'Pyrénées-Orientales', '76'], ['67', 'Bas-Rhin', '44'],
  ['68', 'Haut-Rhin', '44'], ['69', 'Rhône', '84'], ['70', 'Haute-Saône', '27'], ['71', 'Saône-et-Loire', '27'],
  ['72', 'Sarthe', '52'], ['73', 'Savoie', '84'], ['74', 'Haute-Savoie', '84'], ['75', 'Paris', '11'],
  ['76', 'Seine-Maritime', '28'], ['77', 'Seine-et-Marne', '11'], ['78', 'Yvelines', '11'],
  ['79', 'Deux-Sèvres', '75'], ['80', 'Somme', '32'], ['81', 'Tarn', '76'], ['82', 'Tarn-et-Garonne', '76'],
  ['83', 'Var', '93'], ['84', 'Vaucluse', '93'], ['85', 'Vendée', '52'], ['86', 'Vienne', '75'],
  ['87', 'Haute-Vienne', '75'], ['88', 'Vosges', '44'], ['89', 'Yonne', '27'], ['90', 'Territoire de Belfort', '27'],
  ['91', 'Essonne', '11'], ['92', 'Hauts-de-Seine', '11'], ['93', 'Seine-Saint-Denis', '11'],
  ['94', 'Val-de-Marne', '11'], ['95', "Val-d'Oise", '11'],
  ['ZA', 'Guadeloupe', '01', '971'], ['ZB', 'Martinique', '02', '972'], ['ZC', 'Guyane', '03', '973'],
  ['ZD', 'La Réunion', '04', '974'], ['ZM', 'Mayotte', '06', '976'],
  ['ZS', 'Saint-Pierre-et-Miquelon', 'COM', '975'], ['ZX', 'Saint-Martin/Saint-Barthélemy', 'COM', '977'],
  ['ZW', 'Wallis et Futuna', 'COM', '986'], ['ZP', 'Polynésie française', 'COM', '987'],
  ['ZN', 'Nouvelle-Calédonie', 'COM', '988'], ['ZZ', 'Français établis hors de France', 'FE', '99'],
]

export const DEPARTEMENTS: readonly DepartementFact[] = DEPARTEMENT_ROWS.map(([code, name, region, insee]) => ({
  code,
  name,
  region,
  insee: insee ?? code,
}))

const BY_CODE = new Map(DEPARTEMENTS.map((d) => [d.code, d]))
const BY_INSEE = new Map(DEPARTEMENTS.map((d) => [d.insee, d]))

/** Looks a département up by the Ministry's code or by its INSEE code ("ZA" or "971"). */
export function findDepartement(code: string): DepartementFact | undefined {
  return BY_CODE.get(code) ?? BY_INSEE.get(code)
}

export function findRegion(code: string): RegionFact | undefined {
  return REGIONS.find((r) => r.code === code)
}
