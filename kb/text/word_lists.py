"""whoosh 2.7's English stop words, stop-word lists per language and accent-folding table, copied by
scripts/generate_word_lists.py (do not edit: indexes hold terms analysed with exactly these)."""
from __future__ import annotations

ENGLISH_STOP_WORDS = frozenset("""
    a an and are as at be by can for from have if in is it may not of on or tbd that the this to us we when will
    with yet you your
""".split())

STOPLISTS: dict[str, frozenset[str]] = {
    "da": frozenset("""
        ad af alle alt anden at blev blive bliver da de dem den denne der deres det dette dig din disse dog du efter
        eller en end er et for fra ham han hans har havde have hende hendes her hos hun hvad hvis hvor i ikke ind
        jeg jer jo kunne man mange med meget men mig min mine mit mod ned noget nogle nu når og også om op os over
        på selv sig sin sine sit skal skulle som sådan thi til ud under var vi vil ville vor være været
    """.split()),
    "de": frozenset("""
        aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anderm andern
        anderr anders auch auf aus bei bin bis bist da damit dann das dasselbe dazu daß dein deine deinem deinen
        deiner deines dem demselben den denn denselben der derer derselbe derselben des desselben dessen dich die
        dies diese dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer
        eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure eurem euren eurer eures
        für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren
        ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein
        keine keinem keinen keiner keines können könnte machen man manche manchem manchen mancher manches mein meine
        meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein
        seine seinem seinen seiner seines selbst sich sie sind so solche solchem solchen solcher solches soll sollte
        sondern sonst um und uns unse unsem unsen unser unses unter viel vom von vor war waren warst was weg weil
        weiter welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen
        wollte während würde würden zu zum zur zwar zwischen über
    """.split()),
    "en": frozenset("""
        a about above after again against all am an and any are as at be because been before being below between
        both but by can did do does doing don down during each few for from further had has have having he her here
        hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
        off on once only or other our ours ourselves out over own s same she should so some such t than that the
        their theirs them themselves then there these they this those through to too under until up very was we were
        what when where which while who whom why will with you your yours yourself yourselves
    """.split()),
    "es": frozenset("""
        a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas
        ellos en entre era erais eran eras eres es esa esas ese eso esos esta estaba estabais estaban estabas estad
        estada estadas estado estados estamos estando estar estaremos estará estarán estarás estaré estaréis estaría
        estaríais estaríamos estarían estarías estas este estemos esto estos estoy estuve estuviera estuvierais
        estuvieran estuvieras estuvieron estuviese estuvieseis estuviesen estuvieses estuvimos estuviste estuvisteis
        estuviéramos estuviésemos estuvo está estábamos estáis están estás esté estéis estén estés fue fuera fuerais
        fueran fueras fueron fuese fueseis fuesen fueses fui fuimos fuiste fuisteis fuéramos fuésemos ha habida
        habidas habido habidos habiendo habremos habrá habrán habrás habré habréis habría habríais habríamos habrían
        habrías habéis había habíais habíamos habían habías han has hasta hay haya hayamos hayan hayas hayáis he
        hemos hube hubiera hubierais hubieran hubieras hubieron hubiese hubieseis hubiesen hubieses hubimos hubiste
        hubisteis hubiéramos hubiésemos hubo la las le les lo los me mi mis mucho muchos muy más mí mía mías mío
        míos nada ni no nos nosotras nosotros nuestra nuestras nuestro nuestros o os otra otras otro otros para pero
        poco por porque que quien quienes qué se sea seamos sean seas sentid sentida sentidas sentido sentidos
        seremos será serán serás seré seréis sería seríais seríamos serían serías seáis siente sin sintiendo sobre
        sois somos son soy su sus suya suyas suyo suyos sí también tanto te tendremos tendrá tendrán tendrás tendré
        tendréis tendría tendríais tendríamos tendrían tendrías tened tenemos tenga tengamos tengan tengas tengo
        tengáis tenida tenidas tenido tenidos teniendo tenéis tenía teníais teníamos tenían tenías ti tiene tienen
        tienes todo todos tu tus tuve tuviera tuvierais tuvieran tuvieras tuvieron tuviese tuvieseis tuviesen
        tuvieses tuvimos tuviste tuvisteis tuviéramos tuviésemos tuvo tuya tuyas tuyo tuyos tú un una uno unos
        vosostras vosostros vuestra vuestras vuestro vuestros y ya yo él éramos
    """.split()),
    "fi": frozenset("""
        ei eivät emme en et ette että he heidän heidät heihin heille heillä heiltä heissä heistä heitä hän häneen
        hänelle hänellä häneltä hänen hänessä hänestä hänet häntä itse ja johon joiden joihin joiksi joilla joille
        joilta joina joissa joista joita joka joksi jolla jolle jolta jona jonka jos jossa josta jota jotka kanssa
        keiden keihin keiksi keille keillä keiltä keinä keissä keistä keitä keneen keneksi kenelle kenellä keneltä
        kenen kenenä kenessä kenestä kenet ketkä ketä koska kuin kuka kun me meidän meidät meihin meille meillä
        meiltä meissä meistä meitä mihin miksi mikä mille millä miltä minkä minua minulla minulle minulta minun
        minussa minusta minut minuun minä missä mistä mitkä mitä mukaan mutta ne niiden niihin niiksi niille niillä
        niiltä niin niinä niissä niistä niitä noiden noihin noiksi noilla noille noilta noin noina noissa noista
        noita nuo nyt näiden näihin näiksi näille näillä näiltä näinä näissä näistä näitä nämä ole olemme olen olet
        olette oli olimme olin olisi olisimme olisin olisit olisitte olisivat olit olitte olivat olla olleet ollut
        on ovat poikki se sekä sen siihen siinä siitä siksi sille sillä siltä sinua sinulla sinulle sinulta sinun
        sinussa sinusta sinut sinuun sinä sitä tai tallä te teidän teidät teihin teille teillä teiltä teissä teistä
        teitä tuo tuohon tuoksi tuolla tuolle tuolta tuon tuona tuossa tuosta tuotä tähän täksi tälle tältä tämä
        tämän tänä tässä tästä tätä vaan vai vaikka yli
    """.split()),
    "fr": frozenset("""
        ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aux
        avaient avais avait avec avez aviez avions avons ayant ayante ayantes ayants ayez ayons c ce ces d dans de
        des du elle en es est et eu eue eues eurent eus eusse eussent eusses eussiez eussions eut eux eûmes eût
        eûtes furent fus fusse fussent fusses fussiez fussions fut fûmes fût fûtes il j je l la le leur lui m ma
        mais me mes moi mon même n ne nos notre nous on ont ou par pas pour qu que qui s sa se sera serai seraient
        serais serait seras serez seriez serions serons seront ses soient sois soit sommes son sont soyez soyons
        suis sur t ta te tes toi ton tu un une vos votre vous y à étaient étais était étant étante étantes étants
        étiez étions été étée étées étés êtes
    """.split()),
    "hu": frozenset("""
        a abban ahhoz ahogy ahol aki akik akkor alatt amely amelyek amelyekben amelyeket amelyet amelynek ami amikor
        amit amolyan amíg annak arra arról az azok azon azonban azt aztán azután azzal azért be belül benne bár cikk
        cikkek cikkeket csak de e ebben eddig egy egyes egyetlen egyik egyre egyéb egész ehhez ekkor el ellen elsõ
        elég elõ elõször elõtt emilyen ennek erre ez ezek ezen ezt ezzel ezért fel felé hanem hiszen hogy hogyan
        igen ill ill. illetve ilyen ilyenkor ismét ison itt jobban jó jól kell kellett keressünk keresztül ki kívül
        között közül legalább legyen lehet lehetett lenne lenni lesz lett maga magát majd meg mellett mely melyek
        mert mi mikor milyen minden mindenki mindent mindig mint mintha mit mivel miért most már más másik még míg
        nagy nagyobb nagyon ne nekem neki nem nincs néha néhány nélkül olyan ott pedig persze rá s saját sem semmi
        sok sokat sokkal szemben szerint szinte számára talán tehát teljes tovább továbbá több ugyanis utolsó után
        utána vagy vagyis vagyok valaki valami valamint való van vannak vele vissza viszont volna volt voltak voltam
        voltunk által általában át én éppen és így õ õk õket össze úgy új újabb újra
    """.split()),
    "it": frozenset("""
        a abbia abbiamo abbiano abbiate ad agl agli ai al all alla alle allo anche avemmo avendo avesse avessero
        avessi avessimo aveste avesti avete aveva avevamo avevano avevate avevi avevo avrai avranno avrebbe
        avrebbero avrei avremmo avremo avreste avresti avrete avrà avrò avuta avute avuti avuto c che chi ci coi col
        come con contro cui da dagl dagli dai dal dall dalla dalle dallo degl degli dei del dell della delle dello
        di dov dove e ebbe ebbero ebbi ed era erano eravamo eravate eri ero essendo faccia facciamo facciano
        facciate faccio facemmo facendo facesse facessero facessi facessimo faceste facesti faceva facevamo facevano
        facevate facevi facevo fai fanno farai faranno farebbe farebbero farei faremmo faremo fareste faresti farete
        farà farò fece fecero feci fosse fossero fossi fossimo foste fosti fu fui fummo furono gli ha hai hanno ho i
        il in io l la le lei li lo loro lui ma mi mia mie miei mio ne negl negli nei nel nell nella nelle nello noi
        non nostra nostre nostri nostro o per perché più quale quanta quante quanti quanto quella quelle quelli
        quello questa queste questi questo sarai saranno sarebbe sarebbero sarei saremmo saremo sareste saresti
        sarete sarà sarò se sei si sia siamo siano siate siete sono sta stai stando stanno starai staranno starebbe
        starebbero starei staremmo staremo stareste staresti starete starà starò stava stavamo stavano stavate stavi
        stavo stemmo stesse stessero stessi stessimo steste stesti stette stettero stetti stia stiamo stiano stiate
        sto su sua sue sugl sugli sui sul sull sulla sulle sullo suo suoi ti tra tu tua tue tuo tuoi tutti tutto un
        una uno vi voi vostra vostre vostri vostro è
    """.split()),
    "nl": frozenset("""
        aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er ge
        geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen
        maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te
        tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf
        zich zij zijn zo zonder zou
    """.split()),
    "no": frozenset("""
        alle at av bare begge ble blei bli blir blitt både båe da de deg dei deim deira deires dem den denne der
        dere deres det dette di din disse ditt du dykk dykkar då eg ein eit eitt eller elles en enn er et ett etter
        for fordi fra før ha hadde han hans har hennar henne hennes her hjå ho hoe honom hoss hossen hun hva hvem
        hver hvilke hvilken hvis hvor hvordan hvorfor i ikke ikkje ingen ingi inkje inn inni ja jeg kan kom korleis
        korso kun kunne kva kvar kvarhelst kven kvi kvifor man mange me med medan meg meget mellom men mi min mine
        mitt mot mykje ned no noe noen noka noko nokon nokor nokre nå når og også om opp oss over på samme seg selv
        si sia sidan siden sin sine sitt sjøl skal skulle slik so som somme somt så sånn til um upp ut uten var vart
        varte ved vere verte vi vil ville vore vors vort vår være vært å
    """.split()),
    "pt": frozenset("""
        a ao aos aquela aquelas aquele aqueles aquilo as até com como da das de dela delas dele deles depois do dos
        e ela elas ele eles em entre era eram essa essas esse esses esta estamos estas estava estavam este esteja
        estejam estejamos estes esteve estive estivemos estiver estivera estiveram estiverem estivermos estivesse
        estivessem estivéramos estivéssemos estou está estávamos estão eu foi fomos for fora foram forem formos
        fosse fossem fui fôramos fôssemos haja hajam hajamos havemos hei houve houvemos houver houvera houveram
        houverei houverem houveremos houveria houveriam houvermos houverá houverão houveríamos houvesse houvessem
        houvéramos houvéssemos há hão isso isto já lhe lhes mais mas me mesmo meu meus minha minhas muito na nas nem
        no nos nossa nossas nosso nossos num numa não nós o os ou para pela pelas pelo pelos por qual quando que
        quem se seja sejam sejamos sem serei seremos seria seriam será serão seríamos seu seus somos sou sua suas
        são só também te tem temos tenha tenham tenhamos tenho terei teremos teria teriam terá terão teríamos teu
        teus teve tinha tinham tive tivemos tiver tivera tiveram tiverem tivermos tivesse tivessem tivéramos
        tivéssemos tu tua tuas tém tínhamos um uma você vocês vos à às éramos
    """.split()),
    "ru": frozenset("""
        а без более больше будет будто бы был была были было быть в вам вас вдруг ведь во вот впрочем все всегда
        всего всех всю вы где да даже два для до другой его ее ей ему если есть еще ж же за зачем здесь и из или им
        иногда их к как какая какой когда конечно кто куда ли лучше между меня мне много может можно мой моя мы на
        над надо наконец нас не него нее ней нельзя нет ни нибудь никогда ним них ничего но ну о об один он она они
        опять от перед по под после потом потому почти при про раз разве с сам свою себе себя сейчас со совсем так
        такой там тебя тем теперь то тогда того тоже только том тот три тут ты у уж уже хорошо хоть чего чем через
        что чтоб чтобы чуть эти этого этой этом этот эту я
    """.split()),
    "sv": frozenset("""
        alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din dina ditt du där
        då efter ej eller en er era ert ett från för ha hade han hans har henne hennes hon honom hur här i icke
        ingen inom inte jag ju kan kunde man med mellan men mig min mina mitt mot mycket ni nu när någon något några
        och om oss på samma sedan sig sin sina sitta själv skulle som så sådan sådana sådant till under upp ut utan
        vad var vara varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt över
    """.split()),
    "tr": frozenset("""
        acaba ama aslında az bazı belki biri birkaç birşey biz bu da daha de defa diye en eğer gibi hem hep hepsi
        her hiç ile ise için kez ki kim mu mü mı nasıl ne neden nerde nerede nereye niye niçin o sanki siz tüm ve
        veya ya yani çok çünkü şey şu
    """.split()),
}

LANGUAGE_ALIASES: dict[str, str] = {
    'ara': 'ar', 'arabic': 'ar', 'dan': 'da', 'danish': 'da', 'dansk': 'da', 'deu': 'de', 'deutsch': 'de',
    'dutch': 'nl', 'eng': 'en', 'english': 'en', 'espa\xf1ol': 'es', 'fin': 'fi', 'finnish': 'fi', 'fra': 'fr',
    'fran\xe7ais': 'fr', 'french': 'fr', 'german': 'de', 'hun': 'hu', 'hungarian': 'hu', 'ita': 'it',
    'italian': 'it', 'italiano': 'it', 'magyar': 'hu', 'nederlands': 'nl', 'nld': 'nl', 'nor': 'no', 'norsk': 'no',
    'norwegian': 'no', 'por': 'pt', 'portuguese': 'pt', 'portugu\xeas': 'pt', 'romanian': 'ro', 'ron': 'ro',
    'rus': 'ru', 'russian': 'ru', 'spa': 'es', 'spanish': 'es', 'suomi': 'fi', 'svenska': 'sv', 'swe': 'sv',
    'swedish': 'sv', 'tur': 'tr', 'turkish': 'tr', 't\xfcrk\xe7e': 'tr',
    '\u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u044f\u0437\u044b\u043a': 'ru',
    '\u0627\u0644\u0639\u0631\u0628\u064a\u0629': 'ar',
}

ACCENT_MAP: dict[int, str] = {
    72: 'h', 73: 'i', 74: 'j', 78: 'n', 80: 'p', 83: 's', 84: 't', 87: 'w', 89: 'y', 105: 'i', 110: 'n', 112: 'p',
    115: 's', 192: 'a', 193: 'a', 194: 'a', 195: 'a', 196: 'a', 197: 'a', 199: 'c', 200: 'e', 201: 'e', 202: 'e',
    203: 'e', 204: 'i', 205: 'i', 206: 'i', 207: 'i', 209: 'n', 210: 'o', 211: 'o', 212: 'o', 213: 'o', 214: 'o',
    216: 'o', 217: 'u', 218: 'u', 219: 'u', 220: 'u', 221: 'y', 222: 't', 223: 's', 224: 'a', 225: 'a', 226: 'a',
    227: 'a', 228: 'a', 229: 'a', 231: 'c', 232: 'e', 233: 'e', 234: 'e', 235: 'e', 236: 'i', 237: 'i', 238: 'i',
    239: 'i', 240: 'd', 241: 'n', 242: 'o', 243: 'o', 244: 'o', 245: 'o', 246: 'o', 248: 'o', 249: 'u', 250: 'u',
    251: 'u', 252: 'u', 253: 'y', 254: 't', 255: 'y', 256: 'a', 257: 'a', 258: 'a', 259: 'a', 260: 'a', 261: 'a',
    262: 'c', 263: 'c', 264: 'c', 265: 'c', 266: 'c', 267: 'c', 268: 'c', 269: 'c', 270: 'd', 271: 'd', 272: 'd',
    273: 'd', 274: 'e', 275: 'e', 276: 'e', 277: 'e', 278: 'e', 279: 'e', 280: 'e', 281: 'e', 282: 'e', 283: 'e',
    284: 'g', 285: 'g', 286: 'g', 287: 'g', 288: 'g', 289: 'g', 290: 'g', 291: 'g', 292: 'h', 293: 'h', 294: 'h',
    295: 'h', 296: 'i', 297: 'i', 298: 'i', 299: 'i', 300: 'i', 301: 'i', 302: 'i', 303: 'i', 304: 'i', 305: 'i',
    308: 'j', 309: 'j', 310: 'k', 311: 'k', 313: 'a', 314: 'l', 315: 'l', 316: 'l', 317: 'l', 318: 'l', 319: 'l',
    320: 'l', 321: 'l', 322: 'l', 323: 'n', 324: 'n', 325: 'n', 326: 'n', 327: 'n', 328: 'n', 332: 'o', 333: 'o',
    334: 'o', 335: 'o', 336: 'o', 337: 'o', 340: 'r', 341: 'r', 342: 'r', 343: 'r', 344: 'r', 345: 'r', 346: 's',
    347: 's', 348: 's', 349: 's', 350: 's', 351: 's', 352: 's', 353: 's', 354: 't', 355: 't', 356: 't', 357: 't',
    358: 't', 359: 't', 360: 'u', 361: 'u', 362: 'u', 363: 'u', 364: 'u', 365: 'u', 366: 'u', 367: 'u', 368: 'u',
    369: 'u', 370: 'u', 371: 'u', 372: 'w', 373: 'w', 374: 'y', 375: 'y', 376: 'y', 377: 'z', 378: 'z', 379: 'z',
    380: 'z', 381: 'z', 382: 'z', 384: 'b', 385: 'b', 386: 'b', 387: 'b', 391: 'c', 392: 'c', 393: 'd', 394: 'd',
    395: 'd', 396: 'd', 398: 'e', 399: 'e', 401: 'f', 402: 'f', 403: 'g', 407: 'i', 408: 'k', 409: 'k', 410: 'l',
    413: 'n', 414: 'n', 415: 'o', 416: 'o', 417: 'o', 420: 'p', 421: 'p', 427: 't', 428: 't', 429: 't', 430: 't',
    431: 'u', 432: 'u', 434: 'v', 435: 'y', 436: 'y', 437: 'z', 438: 'z', 442: 'z', 461: 'a', 462: 'a', 463: 'i',
    464: 'i', 465: 'o', 466: 'o', 467: 'u', 468: 'u', 469: 'u', 470: 'u', 471: 'u', 472: 'u', 473: 'u', 474: 'u',
    475: 'u', 476: 'u', 477: 'e', 478: 'a', 479: 'a', 480: 'a', 481: 'a', 482: 'a', 483: 'a', 484: 'g', 485: 'g',
    486: 'g', 487: 'g', 488: 'k', 489: 'k', 490: 'o', 491: 'o', 492: 'o', 493: 'o', 494: 'z', 495: 'z', 496: 'j',
    500: 'g', 501: 'g', 504: 'n', 505: 'n', 506: 'a', 507: 'a', 508: 'a', 509: 'a', 510: 'o', 511: 'o', 512: 'a',
    513: 'a', 514: 'a', 515: 'a', 516: 'e', 517: 'e', 518: 'e', 519: 'e', 520: 'i', 521: 'i', 522: 'i', 523: 'i',
    524: 'o', 525: 'o', 526: 'o', 527: 'o', 528: 'r', 529: 'r', 530: 'r', 531: 'r', 532: 'u', 533: 'u', 534: 'u',
    535: 'u', 536: 's', 537: 's', 538: 't', 539: 't', 542: 'h', 543: 'h', 544: 'n', 545: 'd', 548: 'z', 549: 'z',
    550: 'a', 551: 'a', 552: 'e', 553: 'e', 554: 'o', 555: 'o', 556: 'o', 557: 'o', 558: 'o', 559: 'o', 560: 'o',
    561: 'o', 562: 'y', 563: 'y', 564: 'l', 565: 'n', 566: 't', 567: 'j', 570: 'a', 571: 'c', 572: 'c', 573: 'l',
    574: 't', 579: 'b', 580: 'u', 582: 'e', 583: 'e', 584: 'j', 585: 'j', 586: 'q', 587: 'q', 588: 'r', 589: 'r',
    590: 'y', 591: 'y', 595: 'b', 597: 'c', 598: 'd', 599: 'd', 602: 'e', 605: 'e', 607: 'j', 608: 'g', 616: 'i',
    619: 'l', 620: 'l', 621: 'l', 625: 'm', 626: 'n', 627: 'n', 629: 'o', 636: 'r', 637: 'r', 638: 'r', 642: 's',
    644: 'j', 648: 't', 649: 'u', 651: 'v', 655: 'y', 656: 'z', 657: 'z', 669: 'j', 672: 'q', 771: 'p', 776: 't',
    778: 'y', 780: 'j', 803: 'l', 809: 's', 817: 'h', 7532: 'b', 7533: 'd', 7534: 'f', 7538: 'r', 7539: 'r',
    7541: 't', 7680: 'a', 7681: 'a', 7682: 'b', 7683: 'b', 7684: 'b', 7685: 'b', 7686: 'b', 7687: 'b', 7688: 'c',
    7689: 'c', 7690: 'd', 7691: 'd', 7692: 'd', 7693: 'd', 7694: 'd', 7695: 'd', 7696: 'd', 7697: 'd', 7698: 'd',
    7699: 'd', 7700: 'e', 7701: 'e', 7702: 'e', 7703: 'e', 7704: 'e', 7705: 'e', 7706: 'e', 7707: 'e', 7708: 'e',
    7709: 'e', 7710: 'f', 7711: 'f', 7712: 'g', 7713: 'g', 7714: 'h', 7715: 'h', 7716: 'h', 7717: 'h', 7718: 'h',
    7719: 'h', 7720: 'h', 7721: 'h', 7722: 'h', 7723: 'h', 7724: 'i', 7725: 'i', 7726: 'i', 7727: 'i', 7728: 'k',
    7729: 'k', 7730: 'k', 7731: 'k', 7732: 'k', 7733: 'k', 7734: 'l', 7735: 'l', 7736: 'l', 7737: 'l', 7738: 'l',
    7739: 'l', 7740: 'l', 7741: 'l', 7742: 'm', 7743: 'm', 7744: 'm', 7745: 'm', 7746: 'm', 7747: 'm', 7748: 'n',
    7749: 'n', 7750: 'n', 7751: 'n', 7752: 'n', 7753: 'n', 7754: 'n', 7755: 'n', 7756: 'o', 7757: 'o', 7758: 'o',
    7759: 'o', 7760: 'o', 7761: 'o', 7762: 'o', 7763: 'o', 7764: 'p', 7765: 'p', 7766: 'p', 7767: 'p', 7768: 'r',
    7769: 'r', 7770: 'r', 7771: 'r', 7772: 'r', 7773: 'r', 7774: 'r', 7775: 'r', 7776: 's', 7777: 's', 7778: 's',
    7779: 's', 7780: 's', 7781: 's', 7782: 's', 7783: 's', 7784: 's', 7785: 's', 7786: 't', 7787: 't', 7788: 't',
    7789: 't', 7790: 't', 7791: 't', 7792: 't', 7793: 't', 7794: 'u', 7795: 'u', 7796: 'u', 7797: 'u', 7798: 'u',
    7799: 'u', 7800: 'u', 7801: 'u', 7802: 'u', 7803: 'u', 7804: 'v', 7805: 'v', 7806: 'v', 7807: 'v', 7808: 'w',
    7809: 'w', 7810: 'w', 7811: 'w', 7812: 'w', 7813: 'w', 7814: 'w', 7815: 'w', 7816: 'w', 7817: 'w', 7818: 'x',
    7819: 'x', 7820: 'x', 7821: 'x', 7822: 'y', 7823: 'y', 7824: 'z', 7825: 'z', 7826: 'z', 7827: 'z', 7828: 'z',
    7829: 'z', 7830: 'h', 7831: 't', 7832: 'w', 7833: 'y', 7834: 'a', 7835: 's', 7840: 'a', 7841: 'a', 7842: 'a',
    7843: 'a', 7844: 'a', 7845: 'a', 7846: 'a', 7847: 'a', 7848: 'a', 7849: 'a', 7850: 'a', 7851: 'a', 7852: 'a',
    7853: 'a', 7854: 'a', 7855: 'a', 7856: 'a', 7857: 'a', 7858: 'a', 7859: 'a', 7860: 'a', 7861: 'a', 7862: 'a',
    7863: 'a', 7864: 'e', 7865: 'e', 7866: 'e', 7867: 'e', 7868: 'e', 7869: 'e', 7870: 'e', 7871: 'e', 7872: 'e',
    7873: 'e', 7874: 'e', 7875: 'e', 7876: 'e', 7877: 'e', 7878: 'e', 7879: 'e', 7880: 'i', 7881: 'i', 7882: 'i',
    7883: 'i', 7884: 'o', 7885: 'o', 7886: 'o', 7887: 'o', 7888: 'o', 7889: 'o', 7890: 'o', 7891: 'o', 7892: 'o',
    7893: 'o', 7894: 'o', 7895: 'o', 7896: 'o', 7897: 'o', 7898: 'o', 7899: 'o', 7900: 'o', 7901: 'o', 7902: 'o',
    7903: 'o', 7904: 'o', 7905: 'o', 7906: 'o', 7907: 'o', 7908: 'u', 7909: 'u', 7910: 'u', 7911: 'u', 7912: 'u',
    7913: 'u', 7914: 'u', 7915: 'u', 7916: 'u', 7917: 'u', 7918: 'u', 7919: 'u', 7920: 'u', 7921: 'u', 7922: 'y',
    7923: 'y', 7924: 'y', 7925: 'y', 7926: 'y', 7927: 'y', 7928: 'y', 7929: 'y', 11360: 'l', 11361: 'l', 11362: 'l',
    11363: 'p', 11364: 'r', 11365: 'a', 11366: 't', 11367: 'h', 11368: 'h', 11369: 'k', 11370: 'k', 11371: 'z',
    11372: 'z', 65296: '0', 65297: '1', 65298: '2', 65299: '3', 65300: '4', 65301: '5', 65302: '6', 65303: '7',
    65304: '8', 65305: '9', 65313: 'A', 65314: 'B', 65315: 'C', 65316: 'D', 65317: 'E', 65318: 'F', 65319: 'G',
    65320: 'H', 65321: 'I', 65322: 'J', 65323: 'K', 65324: 'L', 65325: 'M', 65326: 'N', 65327: 'O', 65328: 'P',
    65329: 'Q', 65330: 'R', 65331: 'S', 65332: 'T', 65333: 'U', 65334: 'V', 65335: 'W', 65336: 'X', 65337: 'Y',
    65338: 'Z', 65345: 'a', 65346: 'b', 65347: 'c', 65348: 'd', 65349: 'e', 65350: 'f', 65351: 'g', 65352: 'h',
    65353: 'i', 65354: 'j', 65355: 'k', 65356: 'l', 65357: 'm', 65358: 'n', 65359: 'o', 65360: 'p', 65361: 'q',
    65362: 'r', 65363: 's', 65364: 't', 65365: 'u', 65366: 'v', 65367: 'w', 65368: 'x', 65369: 'y', 65370: 'z',
}
