"""The portal's own first courses, written for it in plain Danish: five short modules for the citizen
(motivation, goals, triggers and high-risk situations, handling cravings, relapse prevention) and one
for relatives. This is data (the centre's text, loaded as version 1 of two course templates), not code
text through gettext: a leader edits it in the back-office and publishes a new version."""

from __future__ import annotations

MAIN_SLUG = "forandring"
RELATIVES_SLUG = "paaroerende"

MAIN_TITLE = "Dit online forløb: små skridt mod forandring"
MAIN_SUMMARY = (
    "Fem korte moduler, du kan læse i dit eget tempo – også på telefonen. Hvert modul har en eller to "
    "øvelser. Du skriver dine svar, når det passer dig, og din behandler svarer dig i dine beskeder."
)

MAIN_MODULES = [
    ("Hvad vil du gerne ændre – og hvorfor?",
     "Mange har blandede følelser, når det handler om alkohol eller stoffer. Der kan være noget, du er glad for, "
     "og noget, du gerne vil have mindre af. Det er helt almindeligt, og det er et godt sted at begynde.\n\n"
     "I dette modul ser du på, hvad forbruget giver dig, og hvad det koster dig. Der er ingen rigtige eller "
     "forkerte svar. Det vigtige er, at svarene er dine egne.\n\n"
     "Du bestemmer selv, hvor meget du skriver. Nogle få ord er også fint.",
     [("Hvad er de gode ting ved dit forbrug for dig – og hvad er de mindre gode ting?",
       "Skriv gerne to lister: det gode og det mindre gode."),
      ("Forestil dig, at det er et år fra nu, og at det går godt. Hvad er anderledes i dit liv?", "")]),
    ("Dine mål",
     "Et mål kan være at stoppe helt, at drikke eller tage mindre, eller at få mere ro på. Det er dit mål, og "
     "det må gerne ændre sig undervejs.\n\n"
     "Et godt mål er konkret og til at overskue. »Ingen alkohol på hverdage« er lettere at følge end "
     "»drikke mindre«. Små mål, du når, giver mod på de næste.\n\n"
     "Hvis du har en behandlingsplan, står dine mål også der. I dagbogen kan du sætte et mål for, hvor mange "
     "genstande du højst vil drikke om ugen.",
     [("Hvad er dit mål for de næste fire uger? Skriv det så konkret, du kan.",
       "Fx: Jeg drikker ikke på hverdage, og højst fire genstande om lørdagen."),
      ("Hvad eller hvem kan hjælpe dig med at nå målet?", "")]),
    ("Det, der sætter trangen i gang",
     "Trang opstår sjældent ud af det blå. Den kommer ofte i bestemte situationer: efter arbejde, når du er "
     "alene, når du er træt, vred eller ked af det – eller sammen med bestemte mennesker.\n\n"
     "Når du kender dine egne situationer, kan du planlægge, hvad du vil gøre. Det kaldes risikosituationer, "
     "og alle har dem.\n\n"
     "Dagbogen kan hjælpe dig med at se et mønster. Se på de dage, hvor det var svært: Hvad skete der lige før?",
     [("Hvilke tre situationer gør det sværest for dig at holde dit mål?",
       "Tænk på sted, tidspunkt, mennesker og hvordan du havde det."),
      ("Vælg én af situationerne. Hvad kan du gøre anderledes næste gang?", "")]),
    ("Når trangen kommer",
     "Trang er ubehagelig, men den går over. Den stiger, topper og falder igen – ofte i løbet af 15–30 "
     "minutter. Du behøver ikke gøre noget ved den andet end at vente den ud.\n\n"
     "Nogle ting gør ventetiden lettere: at gå en tur, ringe til nogen, drikke et stort glas vand, spise "
     "noget, tage et bad eller skrive, hvad du tænker. Prøv dig frem og se, hvad der virker for dig.\n\n"
     "Hver gang du kommer igennem en trang uden at give efter, bliver den næste lidt lettere.",
     [("Skriv din egen liste med tre til fem ting, du kan gøre, når trangen kommer.", ""),
      ("Tænk på en gang, hvor du kom igennem en trang. Hvad hjalp dig?", "")]),
    ("At holde fast – og hvis du falder i",
     "De fleste, der ændrer deres forbrug, har dage, hvor det ikke går som planlagt. Et tilbagefald betyder "
     "ikke, at du er startet forfra. Du har stadig alt det, du har lært.\n\n"
     "Det hjælper at have en plan klar: Hvad gør du dagen efter? Hvem kan du tale med? Du kan altid skrive "
     "til din behandler her på siden.\n\n"
     "Se også på, hvad der er gået godt. Skriv det ned, så du kan læse det, hvis det bliver svært.",
     [("Skriv din plan: Hvis jeg får et tilbagefald, så vil jeg …",
       "Tænk på de første 24 timer: hvem du kontakter, og hvad du gør."),
      ("Hvad er du mest stolt af, siden du begyndte?", "")]),
]

RELATIVES_TITLE = "Når en, du holder af, drikker eller tager stoffer"
RELATIVES_SUMMARY = (
    "Et kort forløb for pårørende. Du kan bruge det, uanset om din nærmeste er i behandling eller ej. "
    "Din behandler svarer dig i dine beskeder."
)
RELATIVES_MODULES = [
    ("Også dig, der er pårørende",
     "Det kan være hårdt at stå ved siden af en, man holder af, som drikker for meget eller tager stoffer. "
     "Mange pårørende bliver bekymrede, trætte eller vrede – og føler sig alene med det.\n\n"
     "Du er ikke skyld i den andens forbrug, og du kan ikke styre det. Men du kan passe på dig selv, og du "
     "kan få hjælp, også hvis den anden ikke vil.\n\n"
     "Det er en god idé at tale med nogen om det: en ven, en fra familien eller en af os.",
     [("Hvordan påvirker den andens forbrug din hverdag?", ""),
      ("Hvad er én ting, du kunne gøre for dig selv i denne uge?", "Fx se en ven, gå en tur eller sove ud.")]),
]

COURSES = [
    (MAIN_SLUG, False, MAIN_TITLE, MAIN_SUMMARY, MAIN_MODULES),
    (RELATIVES_SLUG, True, RELATIVES_TITLE, RELATIVES_SUMMARY, RELATIVES_MODULES),
]
