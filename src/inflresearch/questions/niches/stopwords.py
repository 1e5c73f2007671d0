"""Stop words for short, multilingual creator text (captions, bios, hashtags).

English comes from scikit-learn; the other lists hold the most frequent function words of the
languages common on Instagram, TikTok and YouTube (Spanish, Portuguese, French, German, Italian,
Dutch, Indonesian/Malay, Turkish, Russian, plus English chat fillers). They only remove words that
carry no topic; document-frequency limits (``max_df``) catch the rest in any language.

Example:
    >>> "de" in STOP_WORDS and "the" in STOP_WORDS and "gym" not in STOP_WORDS
    True
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_LISTS = {
    "en_chat": "im ive youre dont cant wont didnt doesnt isnt thats theres lets ill its gonna "
    "wanna got get gets really just like love lol omg via amp dm pm am ya yeah oh ok okay",
    "es": "de la que el en y a los del se las por un para con no una su al lo como más mas pero "
    "sus le ya o este sí si porque esta entre cuando muy sin sobre también me hasta hay donde "
    "quien desde todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí "
    "antes algunos qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos "
    "cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus ellas nosotras "
    "vosotros os mío mía tuyo suyo nuestro es son fue ser hoy día dia aquí aqui",
    "pt": "de a o que e do da em um para é com não uma os no se na por mais as dos como mas "
    "foi ao ele das tem à seu sua ou ser quando muito há nos já está eu também só pelo pela "
    "até isso ela entre era depois sem mesmo aos ter seus quem nas me esse eles estão você "
    "tinha foram essa num nem suas meu às minha têm numa pelos elas havia seja qual será nós "
    "tenho lhe deles essas esses pelas este fosse dele tu te vocês vos lhes meus minhas teu "
    "tua teus tuas nosso nossa nossos nossas dela delas esta estes estas aquele aquela isto "
    "aquilo estou hoje aqui pra pro vc tá ta",
    "fr": "de la le et les des en un une du que est pour qui dans a par plus pas au sur ne se "
    "ce il sont avec ou mais comme on nous vous je tu elle ils elles son sa ses leur leurs "
    "mon ma mes ton ta tes notre nos votre vos y à été être avoir cette ces cet aux lui moi "
    "toi très tout tous toutes bien aussi fait c'est j'ai suis es sommes êtes ont ai aujourd",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als "
    "auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über "
    "einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei ich du wir "
    "ihr mein meine dein deine unser unsere euer mir mich dir dich uns euch ihm ihn ihnen heute "
    "hier schon ganz immer mal",
    "it": "di e il la che in a per un una è non con del della dei delle le lo gli i da al alla "
    "si sono ma come più anche se ci mi ti ne nel nella questo questa quello quella io tu lui "
    "lei noi voi loro mio mia tuo tua suo sua nostro vostro ho hai ha abbiamo avete hanno "
    "essere sei siamo siete oggi qui",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er om ook als bij maar "
    "door naar dan wat nog wel ze hij zij ik je jij we wij jullie mijn mij me jouw jou ons "
    "onze hun was heb hebben heeft deze die dit al zo uit vandaag hier",
    "id": "dan yang di ke dari ini itu untuk dengan ada tidak akan pada juga saya kamu kita "
    "kami mereka dia aku sudah bisa lagi atau karena jadi hari ini sama aja ya yg dgn utk",
    "tr": "ve bir bu da de için ile çok ne gibi daha en ama olan var mi mı ben sen o biz siz "
    "onlar benim senin her şey kadar sonra bugün",
    "ru": "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по "
    "только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже "
    "или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они "
    "тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под "
    "это этот эта эти сегодня",
}

STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    word for text in _LISTS.values() for word in text.split()
)
