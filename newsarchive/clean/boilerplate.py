"""Line-level boilerplate rules for news bodies.

The input is the main text of an article as an extractor (trafilatura) gives it: one
paragraph or list item per line. Publishers and content farms leave promotional lines
inside that text: links to other stories ("Read Also: …"), ad slot labels
("- Advertisement -"), newsletter and social prompts, copyright footers, "Latest news"
style widget headings with their link lists, and a site signature at the end.

Every rule matches the *shape* of a whole line, never a word inside a sentence:

* a promo marker at the start of a short line, followed by a separator and a
  headline-like tail ("Read more: Police arrest six"), or a line that is only the marker;
* a call to action at the start of a short line ("Sign up for …", "Follow us on …");
* a label that is the whole line ("Advertisement", "Story continues below");
* a web address that is the whole line (a share or print link, not prose);
* widget headings ("Latest news") that are the whole line, with the short lines after
  them when they run to the end of the body;
* a signature block at the end ("<Site> Desk", "<Site> is a … news website …").

Where each pattern comes from is noted beside it. "seed" is the content-farm copy of an
AP story in ``shared/seed/``; "synd" is the promo lines labelled in the syndication
development corpus (``shared/corpora/syndication``); the other sources are the usual
wording of publishers in the language named, as seen on their pages.

All functions are pure and accept any ``str``; regular expressions are compiled once at
import time and only applied to lines of bounded length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "MAX_PROMO_LINE",
    "MONTH_WORDS",
    "is_boilerplate_line",
    "is_date_line",
    "is_heading_line",
    "is_signature_line",
    "remove_boilerplate",
]

#: Longest line (in characters) that a promo rule may remove. Promo lines are a marker
#: plus one headline; real paragraphs that start with the same words are longer.
MAX_PROMO_LINE = 250

#: Longest line that counts as an entry of a link list after a widget heading.
MAX_LIST_ENTRY = 160

#: Longest line that a signature or self-description rule may remove.
MAX_SIGNATURE_LINE = 400

_FLAGS = re.IGNORECASE | re.UNICODE

# Leading list bullets and decorations that extractors keep in front of promo lines
# (trafilatura renders <li> as "- item"; sites use "»", "•", "▶", "►").
_BULLET = r"[\s\-–—•·*»›>▶►▸→|]*"

# --- promo markers followed by a linked headline --------------------------------------
# Source per group: EN seed ("Read Also:", "WATCH:"), synd ("READ MORE:", "ALSO READ |",
# "Related:"), common English sites ("See also", "Recommended", "Don't miss", "Must read",
# "Read next"); DE Spiegel/Zeit/Welt ("Lesen Sie auch", "Mehr zum Thema", "Auch
# interessant", "Das könnte Sie auch interessieren" and its du/ihr and plural forms, the
# teaser boxes "Schon gelesen?", "Zum Weiterlesen:", "Auch lesen:"); FR Le Monde/Le
# Figaro ("Lire aussi", "À lire aussi", "Voir aussi", "Sur le même sujet"); ES El
# País/El Mundo ("Lee también", "Lea también", "Te puede interesar", "Noticias
# relacionadas", "Más información");
# IT ("Leggi anche", seen in synd pages); HU Index/Telex/444 ("Olvassa el ezt is",
# "Kapcsolódó cikk", "Ezt is ajánljuk", "Lásd még").
_LINK_MARKERS = (
    # English
    r"read\s+also|also\s+read|read\s+more|more|see\s+also|also\s+see|related"
    r"|related\s+(?:story|stories|article|articles|coverage|content|reading|news|links?|posts?)"
    r"|recommended(?:\s+(?:reading|stories|articles|for\s+you))?|suggested(?:\s+reading)?"
    r"|(?:also\s+)?watch(?:\s+(?:now|more|also|video))?|video|videos|photos|gallery"
    r"|don[’']?t\s+miss|must\s+read|read\s+next|up\s+next|top\s+stories|editor[’']?s\s+picks?"
    r"|you\s+(?:may|might)\s+also\s+like|more\s+on\s+this(?:\s+(?:story|topic))?"
    r"|continue\s+reading|trending(?:\s+now)?"
    # German
    r"|lesen\s+sie\s+(?:auch|mehr|hier)|auch\s+interessant|mehr\s+zum\s+thema|mehr\s+dazu"
    r"|(?:zum\s+)?weiterlesen|siehe\s+auch|zum\s+thema|passend\s+zum\s+thema"
    r"|schon\s+gelesen|auch\s+lesen"
    r"|(?:das|dies(?:e[snr]?)?(?:\s+\w+)?)\s+könnten?\s+(?:sie|dich|euch)\s+auch\s+interessieren"
    # French
    r"|(?:à\s+|a\s+)?lire\s+aussi|lire\s+la\s+suite|(?:à\s+)?voir\s+aussi|vidéo"
    r"|sur\s+le\s+même\s+sujet|à\s+découvrir|en\s+savoir\s+plus|pour\s+aller\s+plus\s+loin"
    # Spanish
    r"|lee\s+también|lea\s+también|leer\s+más|ver\s+también|mira\s+también|vídeo"
    r"|(?:también\s+)?te\s+puede\s+interesar|le\s+puede\s+interesar|noticias\s+relacionadas"
    r"|relacionad[oa]s?|más\s+información"
    # Italian
    r"|leggi\s+anche(?:\s+su)?|guarda\s+anche|potrebbe\s+interessarti"
    # Hungarian
    r"|olvassa\s+el\s+ezt\s+is|olvasd\s+el\s+ezt\s+is|ezt\s+is\s+olvasta|ezt\s+is\s+ajánljuk"
    r"|ez\s+is\s+érdekelheti|ezek\s+is\s+érdekelhetik|kapcsolódó(?:\s+(?:cikk(?:ek)?|hír(?:ek)?))?"
    r"|lásd\s+még|bővebben|videó"
)

# "MARKER: tail", "MARKER | tail", "(MARKER: tail)"; the separator is required so that a
# sentence that merely starts with the word ("Related research shows …") stays.
_LINK_PROMO_RE = re.compile(
    rf"^{_BULLET}[(\[]?\s*(?:{_LINK_MARKERS})\s*(?:[:|»›>]|\.\.\.|…)\s*\S.*$",
    _FLAGS,
)
# The bare marker on its own line ("Read more", "SEE ALSO", "Leggi anche:").
_LINK_MARKER_ONLY_RE = re.compile(
    rf"^{_BULLET}[(\[]?\s*(?:{_LINK_MARKERS})\s*[:|»›>.…?\-–—)\]]*\s*$",
    _FLAGS,
)

# --- ad slot labels: the whole line ----------------------------------------------------
# Source: seed and synd ("- Advertisement -", "Advertisement", "Story continues below
# advertisement"); EN sites ("Article continues below", "Continue reading the main story",
# "Scroll to continue with content", "Skip advertisement", "Sponsored content"); DE
# "Anzeige"/"Werbung"; FR "Publicité"; ES "Publicidad"; IT "Pubblicità"; HU "Hirdetés".
_AD_LABEL_RE = re.compile(
    r"^[\s\-–—•·*|_=~\[\](){}]*(?:"
    r"advertisements?|advert|ads?|sponsored(?:\s+(?:content|links?|stories))?"
    r"|paid\s+(?:content|post|partnership)|promoted(?:\s+content)?|skip\s+advertisement"
    r"|(?:story|article|content|text)\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?"
    r"(?:advertisement|ad|ads|video))?"
    r"|advertisement\s*[-–—:]\s*(?:story|article)\s+continues\s+below"
    r"|continue\s+reading\s+(?:below|the\s+main\s+story|after\s+(?:the\s+)?"
    r"(?:ad|advertisement))"
    r"|scroll\s+(?:down\s+)?to\s+continue(?:\s+(?:reading|with\s+content))?"
    r"|anzeige|werbung|publicité|publicidad|pubblicità|hirdetés|reklám"
    r")[\s\-–—•·*|_=~\[\](){}:.]*$",
    _FLAGS,
)

# --- calls to action at the start of a short line ---------------------------------------
# Source: synd ("Click here to follow us on Google News", "Sign up for our daily
# newsletter …", "Subscribe now for unlimited access."), brief/seed-like farms ("Follow
# us on Twitter", "Share this article", "Like this story? …"), IndieWire ("Sign Up: Stay on
# top …"), AP ("Follow AP's full coverage …"); DE ("Abonnieren Sie …", "Folgen Sie uns
# auf …", "Melden Sie sich für unseren Newsletter an"); FR ("Abonnez-vous", "Inscrivez-vous
# à notre newsletter", "Suivez-nous sur …", "Cliquez ici"); ES ("Suscríbete",
# "Síguenos en …", "Haz clic aquí"); HU ("Iratkozzon fel …", "Kövessen minket …",
# "Kattintson ide").
_SOCIAL = (
    r"(?:twitter|x|facebook|instagram|linkedin|youtube|tiktok|telegram|whatsapp|threads"
    r"|google\s+news|flipboard|pinterest|snapchat|social\s+media|bluesky|mastodon)"
)
_CTA_RE = re.compile(
    rf"^{_BULLET}(?:"
    # English
    r"(?:click|tap|press)\s+here\b"
    r"|sign\s*(?:up|in)\b|subscribe\b|register\s+(?:now|here|for|to)\b"
    r"|(?:join|get|receive|try)\s+(?:our|the|a|free)?\s*(?:[\w’'-]+\s+){0,4}"
    r"(?:newsletters?|briefing|alerts?|e-?mails?|inbox)\b"
    r"|get\s+.{0,80}\b(?:delivered|straight|directly)\s+to\s+your\s+inbox"
    rf"|follow\s+(?:us|me)\b|follow\s+[\w’'. -]{{1,40}}\s+on\s+{_SOCIAL}\b"
    rf"|like\s+us\s+on\s+{_SOCIAL}|find\s+us\s+on\s+{_SOCIAL}|join\s+us\s+on\s+{_SOCIAL}"
    r"|follow\s+(?:ap|reuters|afp)[’']?s?\s+(?:full\s+)?coverage"
    r"|download\s+(?:our|the\s+[\w-]+)\s+(?:free\s+)?app\b"
    r"|share\s+(?:this|the)\s+(?:article|story|post|page|video)\b|share\s+on\s+"
    + _SOCIAL
    + r"|(?:like|liked|enjoy|enjoyed|love|loved)\s+(?:this|reading\s+this)\s+"
    r"(?:story|article|post|piece|content)\s*\?"
    r"|have\s+a\s+(?:news\s+)?tip\s*\?|got\s+a\s+(?:news\s+)?tip\s*\?"
    r"|support\s+(?:our|independent|quality)\s+journalism"
    r"|never\s+miss\s+.{0,60}\b(?:sign(?:ing)?\s+up|subscrib\w*|newsletters?)\b"
    r"|(?:to\s+)?(?:continue|keep)\s+reading,?\s+(?:please\s+)?(?:subscribe|sign\s+in|log\s+in)"
    # German
    r"|(?:jetzt\s+)?abonnieren\b|abonnieren\s+sie\b|jetzt\s+(?:anmelden|registrieren)\b"
    r"|melden\s+sie\s+sich\s+.{0,60}\bnewsletter|(?:hier\s+)?zum\s+newsletter"
    r"|folgen\s+sie\s+(?:uns|\w+)\s+(?:auf|bei)\b|folg(?:e|t)\s+uns\s+(?:auf|bei)\b"
    r"|hier\s+klicken\b|klicken\s+sie\s+hier\b|(?:artikel|beitrag)\s+teilen\b"
    r"|teilen\s+sie\s+(?:diesen|den)\s+(?:artikel|beitrag)"
    # French
    r"|abonnez-vous\b|inscrivez-vous\b|suivez-nous\b|cliquez\s+ici\b"
    r"|partagez\s+(?:cet|l[’'])\s*article|recevez\s+(?:notre|nos|gratuitement)\b"
    r"|téléchargez\s+(?:notre|l[’'])\s*app"
    # Spanish
    r"|suscr[íi]b(?:ete|ase|irse)\b|s[íi]guenos\b|reg[íi]strate\b|haz\s+clic\s+aqu[íi]"
    r"|pulsa\s+aqu[íi]|comparte\s+(?:este|esta)\s+(?:art[íi]culo|noticia)"
    r"|recibe\s+(?:nuestro|nuestra|nuestras|las|gratis)\b|descarga\s+(?:nuestra|la)\s+app"
    # Hungarian
    r"|iratkozz(?:on)?\s+fel\b|kövess(?:en)?\s+minket\b|kattints(?:on)?\s+ide\b"
    r"|oszd\s+meg\b|ossza\s+meg\b"
    r")",
    _FLAGS,
)

# --- copyright footers -------------------------------------------------------------------
# Source: brief ("© 2022 …", "Copyright … All rights reserved"), synd ("copyright Inexhibit
# 2019 - ISSN: …"), AP ("Copyright 2019 The Associated Press. All rights reserved."),
# DE "Alle Rechte vorbehalten", FR "Tous droits réservés", ES "Todos los derechos
# reservados", IT "Riproduzione riservata", HU "Minden jog fenntartva".
_COPYRIGHT_START_RE = re.compile(
    r"^[\s\-–—|]*(?:©|\(c\)\s*(?:19|20)\d\d|copyright\s*(?:©|\(c\)|(?:19|20)\d\d|by\b)"
    r"|copyright\b[^.]{0,80}\b(?:19|20)\d\d\b)",
    _FLAGS,
)
_RIGHTS_RE = re.compile(
    r"\b(?:all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten|tous\s+droits\s+réservés"
    r"|todos\s+los\s+derechos\s+reservados|riproduzione\s+riservata|minden\s+jog\s+fenntartva"
    r"|this\s+material\s+may\s+not\s+be\s+published,\s+broadcast)",
    _FLAGS,
)

# --- disclaimers -------------------------------------------------------------------------
# Source: synd (Sputnik: "The views and opinions expressed in the article do not
# necessarily reflect those of Sputnik."), common op-ed footers.
_DISCLAIMER_RE = re.compile(
    # DE liability disclaimer under service lists ("Alle Angaben ohne Gewähr")
    r"^[\s(\[]*(?:alle\s+)?angaben\s+ohne\s+gewähr\s*[.!)\]]*\s*$|"
    r"^[\s(\[]*(?:the\s+)?(?:views|opinions)\s+(?:and\s+opinions\s+)?expressed\b.{0,120}"
    r"\b(?:do\s+not|don[’']t|does\s+not)\s+necessarily\s+(?:reflect|represent)",
    _FLAGS,
)

# Affiliate disclosures, which the US FTC Endorsement Guides (16 CFR 255) and the German
# UWG labelling rules require near the links they cover: "We may receive compensation if
# you buy through our links", "This post contains affiliate links", "Dieser Artikel kann
# Links zu Anbietern enthalten, von denen … eine Provision erhält". Searched in the line.
_AFFILIATE_RE = re.compile(
    r"\b(?:we|i)\s+(?:may\s+|might\s+|will\s+)?(?:earn|receive|get)\s+(?:a\s+)?(?:small\s+)?"
    r"(?:commission|compensation)\b"
    r"|\b(?:this|the)\s+(?:post|article|page|story)\s+(?:may\s+)?contains?\s+affiliate\s+links?"
    r"|\b(?:dieser|der)\s+(?:artikel|beitrag)\s+(?:kann|enthält)\s+(?:\w+[- ]?)?links\b"
    r".{0,80}\bprovision\b",
    _FLAGS,
)

# A table-of-contents box heading that is the whole line ("Inhaltsverzeichnis",
# "Table of Contents [hide]"): WordPress TOC plugins and wikis put it above a list of
# the page's own section headings, which stay (they are the article's headings).
_TOC_HEADING_RE = re.compile(
    r"^[\s\-–—•·*|#]*(?:table\s+of\s+contents|contents|inhaltsverzeichnis|inhalt"
    r"|sommaire|table\s+des\s+matières|índice|indice|tartalomjegyzék)"
    r"\s*[:]?\s*(?:[\[(]\s*(?:hide|show|toggle|ausblenden|einblenden|anzeigen)\s*[\])])?\s*$",
    _FLAGS,
)

# --- widget headings ---------------------------------------------------------------------
# Whole-line headings of "more stories" widgets. Source: seed ("Latest news",
# "Related news"), brief ("Most read", "Trending"), synd ("Popular on IndieWire",
# "Leggi anche"), EN sites ("More from …", "Top stories", "You may also like", "Read
# next"); DE "Meistgelesen", "Weitere Artikel", "Neueste Artikel"; FR "Les plus lus",
# "Dans la même rubrique", "À la une"; ES "Lo más leído", "Últimas noticias", "Más
# noticias"; IT "Articoli correlati", "Più letti"; the contact block that closes a press
# release ("Pressekontakt", "Media contact": names, addresses, phone numbers); HU
# "Legolvasottabb", "Friss hírek", "További hírek", "Kapcsolódó cikkek", "Legfrissebb".
_HEADING_RE = re.compile(
    r"^[\s\-–—•·*|#]*(?:"
    r"latest(?:\s+(?:news|stories|articles|posts|headlines|videos))?"
    r"|(?:related|similar)(?:\s+(?:news|articles|stories|posts|content|coverage|topics|videos))?"
    r"|most\s+(?:read|popular|viewed|shared|commented|recent)(?:\s+(?:news|stories|articles))?"
    r"|trending(?:\s+(?:now|news|stories|topics))?|popular(?:\s+(?:now|stories|posts|news))?"
    r"|popular\s+on\s+[\w.’' -]{1,40}|more\s+from\s+[\w.’' -]{1,40}|more\s+in\s+[\w.’' -]{1,30}"
    r"|more\s+(?:news|stories|articles|headlines|videos)|top\s+(?:stories|news|headlines)"
    r"|recommended(?:\s+(?:for\s+you|stories|articles|reading))?|read\s+next|up\s+next"
    r"|what\s+to\s+read\s+next|you\s+(?:may|might)\s+also\s+(?:like|enjoy)"
    r"|editor[’']?s\s+picks?|(?:from\s+)?around\s+the\s+web|sponsored\s+stories"
    r"|news\s+feed|breaking\s+news|in\s+other\s+news|also\s+in\s+the\s+news"
    # German
    r"|pressekontakt|press\s+contacts?|media\s+contacts?|medienkontakt"
    r"|meistgelesen(?:e\s+artikel)?|weitere\s+(?:artikel|nachrichten|meldungen)"
    r"|neueste\s+(?:artikel|nachrichten)|aktuelle\s+(?:nachrichten|meldungen)|top-themen"
    r"|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren|auch\s+interessant"
    # French
    r"|(?:à|a)\s+lire\s+aussi|les\s+plus\s+lu(?:e)?s|dernières\s+actualités"
    r"|dans\s+la\s+même\s+rubrique|sur\s+le\s+même\s+sujet|à\s+la\s+une"
    r"|articles\s+(?:similaires|liés|associés)"
    # Spanish
    r"|lo\s+más\s+(?:leído|visto)|más\s+leíd[oa]s|noticias\s+relacionadas|más\s+noticias"
    r"|últimas\s+noticias|(?:también\s+)?te\s+puede\s+interesar"
    # Italian
    r"|leggi\s+anche|articoli\s+correlati|più\s+lett[ie]|ultime\s+notizie"
    # Hungarian
    r"|legolvasottabb(?:\s+cikkek)?|legfrissebb(?:\s+hírek)?|friss\s+hírek|további\s+hírek"
    r"|kapcsolódó\s+(?:cikkek|hírek)|ajánló|ezek\s+is\s+érdekelhetik|legnépszerűbb"
    r")\s*[:»›>.…]*\s*$",
    _FLAGS,
)
# Headings of comment sections; everything after them is reader comments.
# Source: synd (WordPress "Leave a Reply", "Want to join the discussion?", "User comments",
# "Comments", SB Nation "Loading comments..."), DE "Kommentare", FR "Commentaires",
# ES "Comentarios", HU "Hozzászólások".
_COMMENTS_HEADING_RE = re.compile(
    r"^[\s\-–—•·*|#]*(?:(?:\d+\s+)?(?:user\s+|reader\s+)?comments?|leave\s+a\s+(?:reply|comment)"
    r"|post\s+a\s+comment|add\s+a\s+comment|join\s+the\s+(?:discussion|conversation)"
    r"|want\s+to\s+join\s+the\s+discussion\s*\?|loading\s+comments(?:\.{3}|…)?"
    r"|(?:\d+\s+)?kommentare?|(?:\d+\s+)?commentaires?|(?:\d+\s+)?comentarios?"
    r"|hozzászólások|kommentek)\s*[:(\d)]*\s*$",
    _FLAGS,
)

# --- signature block at the end ------------------------------------------------------------
# Source: seed ("Nation World News Desk" twice); South Asian and content-farm sites
# ("Web Desk", "News Desk", "Online Desk", "Staff Reporter"); DE "Redaktion"; FR "La
# rédaction"; ES "Redacción"; HU "Szerkesztőség".
_DESK_RE = re.compile(
    r"^[\s\-–—•·*|]*(?:(?i:by)\s+)?(?:(?:The|La|El|Die)\s+)?(?:[A-ZÀ-Þ0-9][\w.&’'-]*\s+){0,6}"
    r"(?:Desk|DESK|News\s+Desk|Bureau|BUREAU|Newsroom|Staff|STAFF|Staff\s+Reporter|Team"
    r"|Editorial\s+(?:Team|Staff|Board)|Redaktion|REDAKTION|Rédaction|rédaction|Redacción"
    r"|REDACCIÓN|Szerkesztőség|SZERKESZTŐSÉG)\s*$"
)
# "<Site> is the fastest emerging news website …" (seed) and similar self-descriptions:
# a name, a copula, and a news-site noun within the same sentence.
_SELF_DESCRIPTION_RE = re.compile(
    r"^[\s\-–—•·*|]*(?:(?i:about)\s+)?[A-ZÀ-Þ0-9][\w.&’' -]{0,59}?\s+(?i:"
    r"(?:is|are|ist|est|es|egy)\s+"
    r"(?:the|a|an|your|one\s+of|der|die|das|ein|eine|le|la|un|une|el|los|una)\b"
    r"[^.]{0,160}?\b(?:news|media|nachrichten|actualités|noticias|hír)\w*\b[^.]{0,80}?\b"
    r"(?:website|web\s*site|site|portal|platform|outlet|publication|channel|network|agency"
    r"|source|magazine|newspaper|blog|destination|webseite|zeitung|journal|periódico|diario"
    r"|oldal|portál)\b)"
)

# A line that is nothing but a web address: a share/print link or the page's own URL that
# templates show under the headline; prose names an address inside a sentence.
_URL_LINE_RE = re.compile(r"^[\s(\[<]*(?:https?://|www\.)\S+[\s)\]>]*$", _FLAGS)

# A credit that is the whole line: "(Credit: Clayton Aldern / Grist)", "Photo credit:
# Reuters", "Copyright: Jane Doe", "Quelle: Landesregierung", "Credit:". Picture desks put
# this under every image and press desks under every reused release (a caption convention
# in EN and DE: "Photo credit", "Bildnachweis", "Quelle"); it names an owner, not a
# sentence of the story, so the tail is short and has no sentence end inside (a period
# after a word of two or more letters; "J. Doe" and "02. Februar" are not one).
_IMAGE_CREDIT_RE = re.compile(
    r"^[(\[]?\s*(?:(?:photo|image|picture|graphic|illustration|foto|bild)\s*)?"
    r"(?:credits?|nachweis|copyright|quelle|source)\s*:\s*(?!.*[^\W\d]{2}[.!?]\s)"
    r"(?:[^\s.!?][^!?]{0,58}[^\s.!?])?\s*[)\]]?$",
    _FLAGS,
)

# A caption that ends in its picture credit: "Marco Odermatt, Ski-Star aus der Schweiz.
# © AFP / MARCO BERTORELLO". Agencies require the "©"-credit under each picture (dpa,
# AFP, Reuters terms); prose does not put a copyright sign at the end of a paragraph.
_CREDITED_CAPTION_RE = re.compile(r"^.{0,200}(?:©|\(c\))\s*[^\s.!?©][^.!?©]{0,60}$", _FLAGS)

# Words one of which any match of the searched affiliate pattern contains: a substring
# test is far cheaper than running the pattern over every line.
_AFFILIATE_WORDS = ("commission", "compensation", "affiliate", "provision")


def _is_affiliate_disclosure(line: str) -> bool:
    """True when ``line`` holds an affiliate disclosure (:data:`_AFFILIATE_RE`)."""
    low = line.casefold()
    return any(w in low for w in _AFFILIATE_WORDS) and _AFFILIATE_RE.search(line) is not None


# The heading of a "more stories" box left as the body's last line once the extractor
# dropped the box's links ("Weitere Tourentipps in Schweden", "Mehr Themen:", "More on
# coronavirus:", "Autres articles"): it opens with a "more/other" word, is short, and
# does not end like a sentence; with nothing after it, it heads nothing of the story.
_MORE_HEADING_RE = re.compile(
    r"^[\s\-–—•·*|#]*(?:more|other|further|related|weitere|mehr|andere|plus\s+de|autres?"
    r"|más|otr[oa]s|altri|altre|további)\b[^.!?…]{0,60}$",
    _FLAGS,
)

# Separator lines ("___", "* * *", "----") left at the end once a footer is gone.
_SEPARATOR_RE = re.compile(r"^[\s_\-–—*=~•·#+.]{2,}$")

# --- a date that is the whole line, only at the top (page banner) --------------------------
# Source: seed ("Thursday, July 7, 2022" is the day the page was viewed).
_WEEKDAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur"
    r"|thurs|fri|sat|sun|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves"
    r"|viernes|sábado|domingo|hétfő|kedd|szerda|csütörtök|péntek|szombat|vasárnap"
)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|januar|jänner|februar"
    r"|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août"
    r"|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio"
    r"|agosto|septiembre|setiembre|octubre|noviembre|diciembre|január|február|március"
    r"|április|május|június|július|augusztus|szeptember|október|december"
)
#: Month names and abbreviations (EN, DE, FR, ES, HU), lower-case.
MONTH_WORDS: frozenset[str] = frozenset(_MONTHS.split("|"))

_DATE_LINE_RE = re.compile(
    rf"^\s*(?:(?:{_WEEKDAYS})\.?,?\s+)?(?:"
    rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS})\.?\s+(?:de\s+)?\d{{4}}"
    rf"|\d{{4}}\.\s*(?:{_MONTHS})\s+\d{{1,2}}\.?(?:,?\s*(?:{_WEEKDAYS}))?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
    r")(?:\s*[,|\-–—]?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5})?)?\s*$",
    _FLAGS,
)

_SPACE_RE = re.compile(r"\s+")
_TERMINAL_PUNCT = ".:;,"


def _norm(text: str) -> str:
    """Case-fold and collapse whitespace, for comparisons with names and titles."""
    return _SPACE_RE.sub(" ", text).strip().casefold()


def is_date_line(line: str) -> bool:
    """True if ``line`` (str) is only a date, optionally with weekday and time.

    Source: the seed's banner line "Thursday, July 7, 2022". Used for leading lines only.
    """
    return len(line) <= 80 and _DATE_LINE_RE.match(line) is not None


def is_heading_line(line: str) -> bool:
    """True if ``line`` (str) is a "more stories" widget heading such as "Latest news"."""
    return len(line) <= 80 and _HEADING_RE.match(line) is not None


def is_boilerplate_line(line: str) -> bool:
    """True if ``line`` (str) has the shape of a promo/boilerplate line anywhere in a body.

    Covers link promos ("Read Also: …", "WATCH: …", "ALSO READ | …"), bare markers
    ("Read more"), ad labels ("- Advertisement -"), calls to action ("Sign up for …",
    "Follow us on …", "Click here …"), copyright footers, op-ed disclaimers, lines that
    are only a web address, image credits ("(Credit: …)", captions that end in
    "© AFP / …"), affiliate disclosures, table-of-contents headings, and widget
    headings. Lines longer than
    :data:`MAX_PROMO_LINE` are never boilerplate.
    """
    s = line.strip()
    if not s or len(s) > MAX_PROMO_LINE:
        return False
    return (
        _AD_LABEL_RE.match(s) is not None
        or _LINK_PROMO_RE.match(s) is not None
        or _LINK_MARKER_ONLY_RE.match(s) is not None
        or _CTA_RE.match(s) is not None
        or _COPYRIGHT_START_RE.match(s) is not None
        or _RIGHTS_RE.search(s) is not None
        or _DISCLAIMER_RE.match(s) is not None
        or _URL_LINE_RE.match(s) is not None
        or _IMAGE_CREDIT_RE.match(s) is not None
        or _is_affiliate_disclosure(s)
        or _TOC_HEADING_RE.match(s) is not None
        or (("©" in s or "(c)" in s.casefold()) and _CREDITED_CAPTION_RE.match(s) is not None)
        or is_heading_line(s)
        or _COMMENTS_HEADING_RE.match(s) is not None
    )


def _site_names(site_name: str | None, domain: str | None) -> list[str]:
    """Normalized names a site signs with: ``site_name`` and the domain's main label."""
    names: list[str] = []
    if site_name and site_name.strip():
        names.append(_norm(site_name))
    if domain and domain.strip():
        host = domain.strip().casefold()
        host = host[4:] if host.startswith("www.") else host
        names.append(host)
        label = host.split(".")[0]
        if len(label) >= 3:
            names.append(label)
    return names


def is_signature_line(
    line: str, *, site_name: str | None = None, domain: str | None = None
) -> bool:
    """True if ``line`` (str) looks like a site signature; meant for the body's end only.

    Matches "<X> Desk"/"Staff"/"Redaktion" lines, "<Site> is a … news website …"
    self-descriptions (seed), and, when ``site_name`` or ``domain`` (str | None) is
    given, a line that is the site's name or starts with it followed by "is"/"ist"/"est"
    or a dash.
    """
    s = line.strip()
    if not s or len(s) > MAX_SIGNATURE_LINE:
        return False
    if len(s) <= 80 and _DESK_RE.match(s):
        return True
    if _SELF_DESCRIPTION_RE.match(s):
        return True
    n = _norm(s)
    squashed = n.replace(" ", "")
    for name in _site_names(site_name, domain):
        if n == name or squashed == name.replace(" ", ""):
            return True
        if n.startswith(name) and re.match(
            r"\s+(?:is|are|ist|est|es)\s|\s*[-–—:|]", n[len(name) :]
        ):
            return True
    return False


def _is_headline_like(line: str) -> bool:
    """A short line without sentence-final period: a linked headline after a marker."""
    s = line.strip()
    return 0 < len(s) <= MAX_LIST_ENTRY and len(s.split()) <= 25 and s[-1] not in _TERMINAL_PUNCT


def _is_title_echo(line: str, title: str | None) -> bool:
    """True if ``line`` repeats the headline, possibly with a " - Site" suffix or truncated."""
    if not title or not title.strip():
        return False
    n, t = _norm(line), _norm(title)
    if not n or len(n) > len(t) + 60:
        return False
    if n == t:
        return True
    if n.startswith(t) and re.match(r"\s*[-–—|:]\s*\S", n[len(t) :]):
        return True
    # truncated echo: "Headline that was cut - Latest" / "Headline that was c | World News"
    head = re.split(r"\s+[-–—|]\s+", n, maxsplit=1)[0].rstrip(" .…")
    return len(head) >= 20 and t.startswith(head)


def remove_boilerplate(
    text: str,
    *,
    site_name: str | None = None,
    title: str | None = None,
    domain: str | None = None,
) -> tuple[str, list[str]]:
    """Remove promo and boilerplate lines from a news body.

    Args:
        text: the body, one paragraph per line (str).
        site_name: publisher name, used to recognise the site's signature (str | None).
        title: headline, used to drop a repeated headline at the top (str | None).
        domain: host name, used like ``site_name`` (str | None).

    Returns:
        ``(clean, removed)``: the body with lines stripped, empty lines dropped and
        boilerplate removed, joined by ``"\\n"`` (str); and the removed lines in body order
        (list[str], stripped).

    Passes, in order:
        1. leading page chrome: a date-only line (seed banner) or a repeat of ``title``;
        2. every line of :func:`is_boilerplate_line` shape; a bare link marker
           ("Read more:") also takes the headline-like line that follows it;
        3. a widget heading ("Latest news") or bare marker in the second half of the
           body takes the rest of the body with it when every following line is a
           headline-like list entry (short, no final period); a comment-section heading
           ("Comments", "Leave a Reply") in the second half takes the rest in any case;
        4. trailing signature lines (:func:`is_signature_line`), separators and the
           heading of a "more stories" box whose links are gone (at most eight words,
           opening with "More", "Weitere", "Mehr", "Autres", …, no sentence end),
           repeated until a line of text is reached.
    """
    if not isinstance(text, str):
        return "", []
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    drop = [False] * len(lines)

    # 1. leading chrome
    i = 0
    while i < len(lines) and i < 3 and (is_date_line(lines[i]) or _is_title_echo(lines[i], title)):
        drop[i] = True
        i += 1

    # 2. line rules
    for j, line in enumerate(lines):
        if drop[j] or not is_boilerplate_line(line):
            continue
        drop[j] = True
        if (
            _LINK_MARKER_ONLY_RE.match(line)
            and not is_heading_line(line)
            and j + 1 < len(lines)
            and _is_headline_like(lines[j + 1])
        ):
            drop[j + 1] = True

    # 3. widget headings followed by link lists up to the end
    n = len(lines)
    for j, line in enumerate(lines):
        if len(line) > 80:
            continue
        if j < n // 2:
            continue
        if is_heading_line(line) or _LINK_MARKER_ONLY_RE.match(line):
            rest = [k for k in range(j + 1, n) if not drop[k]]
            if all(_is_headline_like(lines[k]) for k in rest):
                for k in range(j, n):
                    drop[k] = True
                break
        elif _COMMENTS_HEADING_RE.match(line):
            for k in range(j, n):
                drop[k] = True
            break

    # 4. trailing signature block
    k = n - 1
    while k >= 0:
        if drop[k]:
            k -= 1
            continue
        line = lines[k]
        if (
            is_signature_line(line, site_name=site_name, domain=domain)
            or _SEPARATOR_RE.match(line)
            or (len(line.split()) <= 8 and _MORE_HEADING_RE.match(line))
        ):
            drop[k] = True
            k -= 1
            continue
        break

    kept = [ln for ln, d in zip(lines, drop, strict=True) if not d]
    removed = [ln for ln, d in zip(lines, drop, strict=True) if d]
    return "\n".join(kept), removed


def iter_rules() -> Iterable[tuple[str, re.Pattern[str]]]:
    """The named line rules, for inspection and benchmarks: ``(name, pattern)`` pairs."""
    return (
        ("ad_label", _AD_LABEL_RE),
        ("link_promo", _LINK_PROMO_RE),
        ("link_marker_only", _LINK_MARKER_ONLY_RE),
        ("call_to_action", _CTA_RE),
        ("copyright_start", _COPYRIGHT_START_RE),
        ("rights_reserved", _RIGHTS_RE),
        ("disclaimer", _DISCLAIMER_RE),
        ("url_only", _URL_LINE_RE),
        ("image_credit", _IMAGE_CREDIT_RE),
        ("credited_caption", _CREDITED_CAPTION_RE),
        ("affiliate_disclosure", _AFFILIATE_RE),
        ("toc_heading", _TOC_HEADING_RE),
        ("heading", _HEADING_RE),
        ("trailing_more_heading", _MORE_HEADING_RE),
        ("comments_heading", _COMMENTS_HEADING_RE),
        ("desk_signature", _DESK_RE),
        ("self_description", _SELF_DESCRIPTION_RE),
    )
