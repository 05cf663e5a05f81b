"""Spanish phrase and pattern lists for the rule-based analysers.

Written against ``voice_agent.analysis.normalize`` output: lowercase, no accents, "ñ" as
"n" ("senora", "ano", "manana"), no punctuation. Covers neutral Spanish and regional
speech from Mexico, Colombia, Argentina and Spain ("lana", "plata", "guita", "pasta",
"chamba", "curro", "laburo", "mi senora", "ahorita", "vale", "dale", "che", "de una"),
and the English words Spanish speakers mix in ("budget", "coach", "full", "sign up").

Same conventions as ``lexicon_en``: word boundaries added around each pattern, ``~ `` a
gap of up to three words, ``\\?`` marks a keyword cue that does not count in a question.
"""

from __future__ import annotations

from typing import Final

from voice_agent.analysis.lexicon_en import CancelTable, M, RuleTable, S, W

_MONEY = (
    r"(?:dinero|plata|lana|pasta|guita|varo|varos|feria|billete|billetes|"
    r"money|biyuya|mosca|luca|lucas|pesos|euros|dolares|presupuesto|budget|"
    r"fondos|efectivo|cash|harina|tela|pisto|reales|quinientos|recursos|"
    r"liquidez)"
)
_SPOUSE = (
    r"(?:esposa|esposo|senora|senor|marido|mujer|pareja|novia|novio|prometida|"
    r"prometido|vieja|viejo|gorda|gordo|flaca|flaco|jermu|dona|patrona|"
    r"media naranja|costilla|familia|mama|papa|madre|padre|jefa)"
)
_APPROVER = (
    rf"(?:{_SPOUSE}|jefe|jefa|gerente|director financiero|directora financiera|"
    rf"director general|directora general|gerente general|director|directora|"
    rf"cfo|ceo|jefe directo|jefa directa|la direccion|la gerencia|comite|"
    rf"supervisor|supervisora|socio|socia|"
    r"socios|contador|contadora|asesor|asesora|asesor financiero|medico|medica|doctor|doctora|"
    r"cardiologo|cardiologa|nutriologo|nutriologa|nutricionista|fisioterapeuta|fisio|terapeuta|"
    r"psicologo|psicologa|psiquiatra|traumatologo|cirujano|empresa|compania|companero|rrhh|"
    r"recursos humanos|finanzas|contabilidad|junta|consejo|equipo|dueno|duena|patron|boss|"
    r"wife|husband|partner|manager|hr|mis papas|mis padres|banco|seguro)"
)
_ALT = (
    r"(?:entrenador|entrenadora|entrenador personal|coach|personal trainer|trainer|nutriologo|"
    r"nutriologa|nutricionista|dietista|dietologo|gym|gimnasio|gimnasio cerca|membresia|"
    r"suscripcion|plan de entrenamiento|rutina|programa|app|aplicacion|peloton|crossfit|"
    r"yoga|pilates|spinning|zumba|clases|club|grupo de running|running|smartfit|"
    r"smart fit|bodytech|sport city|sportcity|megatlon|anytime|f45|orangetheory|noom|"
    r"youtube|videos|alguien|un chico|una chica|fisio|fisioterapeuta|profe|profesor|"
    r"instructor|instructora|preparador fisico|preparadora fisica)"
)

OBJECTIONS: Final[RuleTable] = {
    "price": (
        (
            (
                r"(?:esperaba|pensaba|buscaba|creia|tenia pensado|tenia en mente|"
                r"pensaba en) (?:algo |pagar |gastar |invertir )?(?:de |como )?(?:menos|"
                r"mas barato|mas economico|por debajo|mas accesible)|(?:tendria|tengo|"
                r"tendre|necesito|habria|tendriamos) que ahorrar|(?:juntar|"
                r"ahorrar) (?:la |el )?(?:plata|dinero|lana|para eso|para esto|"
                r"para pagarlo)"
            ),
            S,
        ),
        (
            (
                rf"{_MONEY} (?:es|son|seria) (?:muy |bastante |super |algo |un poco |"
                rf"re )?(?:limitado|limitada|poco|poca|corto|corta|ajustado|ajustada|"
                rf"reducido|reducida|bajo|baja|justo|justa|escaso|escasa)"
            ),
            S,
        ),
        (
            (
                r"no (?:se|creo|estoy seguro de|estoy segura de) (?:si|que) (?:me |"
                r"nos )?(?:alcance|alcanzaria|pueda pagar|pueda pagarlo|podria pagar|"
                r"de el presupuesto|llegue|pueda costear|lo pueda pagar)"
            ),
            S,
        ),
        (
            (
                r"^(?:la verdad |pues |mas que nada |sobre todo |honestamente |"
                r"creo que )*(?:el |la |lo )?(?:precio|dinero|costo|coste|plata|lana|"
                r"economico|presupuesto|guita|pasta)(?: la verdad| mas que nada|"
                r" sobre todo| honestamente)?$"
            ),
            M,
        ),
        (
            (
                r"no (?:me |nos )?(?:lo )?(?:puedo|podemos|podria) (?:permitirmelo|"
                r"permitirnoslo|costearmelo|pagarmelo|costear ahora|pagar ahora)|"
                r"un paston|paston|pastizal"
            ),
            S,
        ),
        (
            (
                r"(?:muy|demasiado|re|bien|super|bastante|algo|un poco|un poquito|medio|"
                r"carisimo|sale|salio|se me hace|me parece|me resulta|un tanto|mas|"
                r"excesivamente|que(?! tan)) (?:caro|cara|caros|caras|costoso|costosa|"
                r"carito|carita|salado|salada)"
            ),
            S,
        ),
        (r"\?tan caro|\?tan cara|\?tan costoso", W),
        (
            (
                r"carisimo|carisima|un ojo de la cara|un rinon|cuesta un huevo|"
                r"cuesta un ojo|una fortuna|un dineral|un platal|una lana|un billeton|"
                r"un pastizal|una pasta|un montonal|un chingo de|un robo|un abuso|carero|"
                r"sale carisimo|too expensive|muy expensive|super expensive|bien expensive"
            ),
            S,
        ),
        (r"\?caro|\?cara|\?costoso|\?costosa|\?carito|\?expensive|\?pricey", W),
        (
            (
                rf"(?:el |la |mi |los |las )?{_MONEY} no (?:me |nos )?(?:da|alcanza|llega|"
                rf"rinde|sobra|cuadra)"
            ),
            S,
        ),
        (
            (
                r"no (?:me |nos )?(?:alcanza|alcanzaria|da el bolsillo|da el presupuesto|"
                r"dan las cuentas|llega|llegaria|salen las cuentas|da la plata|"
                r"da el dinero|da la lana|cuadra|cuadran los numeros)"
            ),
            S,
        ),
        (
            (
                rf"no (?:tengo|tenemos|hay|cuento con|contamos con|dispongo de|me sobra|"
                rf"ando con|traigo|tengo mucho|tengo tanto|tengo esa|tengo ese|"
                rf"tengo suficiente|tengo el|tengo la) (?:el |la |los |las |tanto |tanta |"
                rf"mucho |mucha |esa |ese |suficiente |nada de |ni un |un peso de |"
                rf"un mango de |un |una |ni un |ni una )?{_MONEY}"
            ),
            S,
        ),
        (rf"\bni (?:el |la |para el |para la )?{_MONEY}", S),
        (
            (
                r"no (?:tengo|tenemos|hay) (?:con que|para eso|para pagar|para pagarlo|"
                r"como pagar|como pagarlo|un peso|un mango|un duro|ni un peso|ni un mango|"
                r"ni un duro|ni cinco|un quinto|ni un quinto|un centavo)"
            ),
            S,
        ),
        (
            (
                r"no (?:puedo|podemos|podria|podriamos|voy a poder) (?:pagar|pagarlo|"
                r"pagarla|costear|costearlo|permitirme|gastar|invertir|darme el lujo|"
                r"justificar|solventar|cubrir|pagar tanto|pagar eso)"
            ),
            S,
        ),
        (r"no me (?:lo )?puedo (?:permitir|pagar|costear|dar el lujo)", S),
        (
            (
                r"(?:fuera|por encima|mas alla|arriba|lejos) (?:de|del) (?:mi |nuestro |"
                r"el )?(?:presupuesto|budget|alcance|bolsillo|rango|posibilidades)"
            ),
            S,
        ),
        (
            (
                r"(?:estoy|estamos|ando|andamos|vamos|voy|quede|quedamos|estoy medio|"
                r"ando medio|ando bien|estoy bien|estoy un poco|ando un poco) (?:corto|"
                r"cortos|corta|justo|justos|justa|apretado|apretados|apretada|pelado|"
                r"pelados|pelada|limpio|quebrado|quebrada|en la lona|en la quiebra|"
                r"sin un peso|sin un mango|sin un duro|sin blanca|sin plata|sin lana|"
                r"sin dinero|sin varo|sin guita|sin pasta|tieso|seco|palmado|bruja|brujo|"
                r"misio|pato|arrancado|arrancada|ajustado|ajustados|ajustada|en rojo|"
                r"endeudado|endeudada|con deudas)"
            ),
            S,
        ),
        (
            (
                rf"(?:corto|cortos|justo|justos|apretado|apretados|ajustado|"
                rf"ajustados) (?:de|con el|con la|con los|de plata|de dinero|de lana|"
                rf"en) ?{_MONEY}?"
            ),
            M,
        ),
        (
            (
                rf"(?:el |la |mi |nuestro |nuestra |los |las )?{_MONEY} (?:esta|anda|estan|"
                rf"andan|viene|vienen|va) (?:muy |bien |super |re |algo |un poco |medio |"
                rf"bastante )?(?:justo|justa|apretado|apretada|ajustado|ajustada|"
                rf"complicado|complicada|dificil|mal|escaso|escasa|limitado|limitada|corto|"
                rf"corta|contado|contada|tight|dura|duro|fea|feo|jodida|jodido|peor|flaca|"
                rf"flojo|floja)"
            ),
            S,
        ),
        (
            (
                r"(?:las cosas|la cosa|la situacion|la economia|el bolsillo|los numeros|"
                r"el mes|este mes|la quincena|las finanzas) (?:estan|esta|anda|"
                r"andan) (?:muy |bien |super |re |algo |un poco |medio |"
                r"bastante )?(?:dificiles|dificil|duras|dura|complicadas|complicada|feas|"
                r"fea|apretadas|apretado|justas|justo|mal|jodidas|jodida|pesadas|pesada)"
            ),
            S,
        ),
        (
            (
                r"(?:es|seria|son|sale|cuesta|me parece|se me hace) (?:mucho|demasiado|"
                r"bastante|un monton de|un chingo de|una barbaridad de|mucha) (?:dinero|"
                r"plata|lana|pasta|guita|varo|feria|billete|money)"
            ),
            S,
        ),
        (
            (
                r"(?:es|seria|son|me parece|se me hace|sale|eso es|eso seria) (?:mucho|"
                r"muchisimo|demasiado|bastante)(?: para mi| para nosotros| la verdad| eh|"
                r" ahorita| ahora)?$"
            ),
            M,
        ),
        (
            (
                r"(?:eso es|es|me parece|se me hace|eso seria) (?:mucho|demasiado|"
                r"bastante|un monton)|un monton de plata|mucha plata|mucha lana|"
                r"mucho dinero|mucha guita|mucha pasta|mucho varo|mucha feria"
            ),
            M,
        ),
        (
            (
                r"no (?:es|son|esta|sale) (?:nada |muy |tan |para nada )?(?:barato|barata|"
                r"economico|economica|accesible)"
            ),
            S,
        ),
        (
            (
                r"(?:mas barato|mas barata|mas economico|mas economica|mas accesible|"
                r"algo mas barato|menos caro|precio mas bajo|opcion mas barata|"
                r"version basica|descuentito)"
            ),
            M,
        ),
        (r"\?(?:descuento|promocion|promo|oferta|rebaja)", W),
        (
            # haggling: asking the agent for a lower price is a price objection
            (
                r"(?:algo|un poco|un poquito|algo mas) me (?:tienes|tienen|puedes|pueden|"
                r"podrias|podrian) (?:que )?(?:rebajar|bajar|descontar|dejar)|"
                r"me (?:haces|das|puedes hacer|puedes dar|podrias hacer|podrias dar) "
                r"(?:un |algun |algo de )?(?:descuento|rebaja|precio especial)|"
                r"(?:hay|tienen|tienes|me das) (?:algun |un )?(?:descuento|precio especial)|"
                r"me lo (?:dejas|dejan|puedes dejar) (?:en|a) "
            ),
            S,
        ),
        (
            (
                r"(?:cual es|donde esta|y) (?:el truco|la trampa)|(?:cual es|"
                r"donde esta) (?:el truco|la trampa)"
            ),
            S,
        ),
        (
            (
                r"no (?:vale|valdria|creo que vale|se si vale) (?:la pena|tanto|"
                r"lo que cuesta|ese precio|esa plata|ese dinero)"
            ),
            S,
        ),
        (
            (
                r"(?:pagar|gastar|invertir|soltar|desembolsar|meter) (?:tanto|"
                r"esa cantidad|ese dinero|esa plata|esa lana|eso|tanta plata|tanto dinero|"
                r"miles|ese monto|una lana|esa guita)"
            ),
            S,
        ),
        (
            (
                r"(?:pago|gasto|pague|gaste|pagaria|gastaria|pagamos|gastamos|invierto|"
                r"invertiria|suelto|soltaria) (?:tanto|esa cantidad|ese dinero|esa plata|"
                r"esa lana|tanta plata|tanto dinero|miles|ese monto|una lana|esa guita|"
                r"esa pasta|ese varo|esa feria|ese billete)"
            ),
            S,
        ),
        (r"\?(?:pagar|gastar|pago|gasto|pague|gaste|pagaria|gastaria) eso", W),
        (
            (
                r"(?:no me late|no quiero|no me gustaria|no estoy dispuesto a|"
                r"no estoy dispuesta a|no me animo a|prefiero no|no pienso) (?:gastar|"
                r"pagar|invertir|soltar|meter) (?:[a-z]+ ){0,2}(?:en eso|en esto|tanto|"
                r"esa|ese|eso|dinero|plata|lana|guita|pasta)"
            ),
            S,
        ),
        (
            (
                r"(?:se sale|sale|se pasa|pasa|esta por encima|es mas|se va) (?:de|"
                r"del) (?:lo que|mi|nuestro) (?:[a-z]+ ){0,3}(?:gastar|pagar|invertir|"
                r"presupuesto|bolsillo)|mas de lo que (?:[a-z]+ ){0,3}(?:gastar|pagar|"
                r"invertir|gasto|pago)"
            ),
            S,
        ),
        (r"\?por ese precio|\?por esa plata|\?por ese dinero|\?por esa lana|\?por esa cantidad", M),
        (
            (
                r"(?:el |ese |su )?(?:precio|costo|coste|valor|monto|pago|cuota|"
                r"mensualidad|inversion|numero)(?: mensual)? (?:es|esta|me parece|"
                r"se me hace|suena|seria|sale|resulta) (?:muy |bien |un poco |algo |"
                r"demasiado |bastante |medio |re |super |tan )*(?:alto|alta|elevado|"
                r"elevada|caro|cara|fuerte|pesado|pesada|excesivo|excesiva|mucho|salado|"
                r"salada|carito)"
            ),
            S,
        ),
        (
            (
                r"(?:me preocupa|me asusta|me frena|me detiene|me complica|me pesa|"
                r"me mata) (?:el |la |lo del |un poco el |mucho el )?(?:precio|costo|"
                r"coste|dinero|plata|pago|tema economico|tema del dinero|tema de la plata|"
                r"valor|inversion|lana|presupuesto)"
            ),
            S,
        ),
        (
            (
                rf"(?:el tema|lo que me frena|mi problema|el problema|el unico problema|"
                rf"la cuestion|el detalle|el rollo|el asunto) (?:es|seria|esta en|"
                rf"va a ser) (?:el |la |lo |lo del |lo de la |el tema del |"
                rf"el tema de la )?(?:{_MONEY}|precio|costo|coste|economico|dinero|valor|"
                rf"pago|inversion)"
            ),
            S,
        ),
        (
            (
                r"(?:economicamente|financieramente|economico|de plata|de dinero|de lana|"
                r"tema economico|tema de plata|tema de dinero|lo economico|"
                r"temas economicos|por plata|por dinero)"
            ),
            M,
        ),
        (
            (
                r"(?:la hipoteca|la renta|el alquiler|las deudas|deudas|las colegiaturas|"
                r"la colegiatura|la escuela de los ninos|"
                r"me despidieron|perdi mi trabajo|me quede sin trabajo|recorte|"
                r"la inflacion|inflacion|la crisis)"
            ),
            W,
        ),
        (r"(?:tirar|botar|perder|regalar) (?:la |el |mi )?(?:plata|dinero|lana|guita|pasta)", W),
        (
            (
                r"no me da (?:el bolsillo|la billetera|la cartera|para eso|para tanto)|"
                r"no estoy para gastar|no estamos para gastar|no (?:esta|"
                r"estan) las cosas para gastar"
            ),
            S,
        ),
    ),
    "time": (
        (
            (
                r"trabajo (?:de noche|en las noches|en la noche|turnos de noche|"
                r"doble turno|en dos trabajos|dos trabajos|los fines de semana|"
                r"fines de semana)|turnos? de noche|turnos rotativos|doble turno|(?:con|"
                r"entre) (?:mis|los|tantos|todos los) (?:viajes|horarios|turnos|juntas|"
                r"reuniones|pendientes)"
            ),
            S,
        ),
        (
            (
                r"^(?:la verdad |pues |mas que nada |sobre todo |honestamente |"
                r"creo que )*(?:el |mi |la |los )?(?:tiempo|horario|horarios|agenda|"
                r"trabajo|chamba|curro|laburo|viajes)(?: la verdad| mas que nada|"
                r" sobre todo| honestamente)?$"
            ),
            M,
        ),
        (r"no me da(?:n)? (?:chance|respiro|tregua|tiempo)$", S),
        (
            (
                r"(?:voy|ando|estoy|vamos|andamos) (?:fatal|mal|justo|justisimo|corto|"
                r"cortisimo|apurado|apurada|apuradisimo|super mal|muy mal|muy justo|"
                r"muy corto) de tiempo|liadisimo|liadisima|atareadisimo|atareadisima|"
                r"ocupadisimo|ocupadisima"
            ),
            S,
        ),
        (
            (
                r"no (?:veo|se) (?:de )?(?:donde|cuando|como|en que momento) (?:voy a |"
                r"lo voy a |iba a |podria )?(?:sacar|hallar|encontrar|meter|tener|saco|"
                r"encuentro|meto|hacer) (?:el |un )?(?:tiempo|rato|hueco|tiempito|espacio)"
            ),
            S,
        ),
        (
            (
                r"(?:el problema|mi problema|el tema|lo que me complica|lo dificil|"
                r"lo complicado|el rollo|el lio) (?:es|seria|va a ser|esta en) (?:el |la |"
                r"mi |los )?(?:tiempo|horario|horarios|agenda|schedule)"
            ),
            S,
        ),
        (r"no me deja(?:n)? (?:ni )?(?:respirar|tiempo|salir|un minuto|ni un minuto)", S),
        (
            (
                r"no (?:tengo|tenemos|hay|me queda|me sobra|dispongo de|cuento con|"
                r"encuentro|tengo nada de|tengo mucho|tengo suficiente|tengo casi) (?:el |"
                r"nada de |mucho |suficiente |casi )?(?:tiempo|tiempito|time|rato|ratos|"
                r"un minuto|un segundo|horas|espacio|huecos|hueco|chance|momento)"
            ),
            S,
        ),
        (
            (
                r"no me (?:da|alcanza|dan|rinde|queda|sobra) (?:el |los )?(?:tiempo|dia|"
                r"dias|horas|la vida|la agenda|el dia)|no me da la vida|no doy abasto|"
                r"no me dan las horas|no llego a todo|no me alcanzan las horas"
            ),
            S,
        ),
        (
            (
                r"(?:sin|poco|nada de|cero|falta de|ni un minuto de|escaso|ni) (?:tiempo|"
                r"tiempito)|no tengo ni (?:un minuto|un segundo|tiempo|un rato)"
            ),
            S,
        ),
        (
            (
                r"(?:muy|super|re|bien|demasiado|bastante|tan|ocupadisimo|ocupadisima|"
                r"siempre|todo el tiempo|extremadamente|sumamente|full) (?:ocupado|"
                r"ocupada|ocupados|ocupadas|liado|liada|atareado|atareada|apurado|apurada|"
                r"busy|tapado|tapada|saturado|saturada|enchufado|enchufada|a tope)"
            ),
            S,
        ),
        (r"\?ocupado|\?ocupada|\?ocupados|ocupadisimo|ocupadisima|\?liado|\?liada", W),
        (
            (
                r"(?:agenda|calendario|horario|horarios|semana|semanas|dias|vida|dia|"
                r"schedule|calendar|rutina)(?: esta| la tengo| lo tengo| estan| anda| son|"
                r" es| tengo)? (?:muy |super |re |bien |completamente |totalmente |"
                r"demasiado |bastante |toda |todo |siempre |un )*(?:insane|crazy|loco|"
                r"loca|de locos|llena|lleno|llenos|llenas|llenisima|llenisimo|full|"
                r"apretada|apretado|apretados|saturada|saturado|a tope|explotada|"
                r"explotado|reventada|reventado|un caos|caotica|caotico|una locura|"
                r"de locos|un desastre|un infierno|imposible|complicada|complicado|"
                r"cargada|cargado|packed|ocupada|ocupado|hasta el tope|de cabeza|"
                r"hasta arriba|hasta el cuello|a reventar|a tope)"
            ),
            S,
        ),
        (
            (
                r"(?:estoy|ando|andamos|estamos|vivo|voy) (?:a mil|a full|full|a tope|"
                r"hasta el tope|saturado|saturada|"
                r"como loco|como loca|de arriba para abajo|de aqui para alla|corriendo|"
                r"con el agua al cuello|hasta el cuello|hasta arriba|a las carreras|"
                r"a la carrera|en mil cosas|tapado|tapada|hasta las manos|reventado|"
                r"reventada|sin parar|de cabeza|que no paro|con mil cosas)"
            ),
            S,
        ),
        (
            (
                r"(?:curro|trabajo|laburo|chambeo|chambeando|trabajando|currando|laburando) "
                r"de sol a sol|de lunes a domingo sin parar"
            ),
            S,
        ),
        (
            (
                r"(?:viajo|viajamos|estoy viajando|ando viajando|viajando|viajar|"
                r"tengo que viajar) (?:mucho|muchisimo|todo el tiempo|cada semana|"
                r"cada mes|constantemente|seguido|bastante|demasiado|por trabajo|"
                r"todas las semanas|la mitad|casi siempre|dos veces|tres veces|"
                r"cada quince|cada dos)"
            ),
            S,
        ),
        (
            (
                r"paso viajando|me la paso viajando|vivo viajando|siempre estoy de viaje|"
                r"siempre ando de viaje|ando de viaje|estoy de viaje|ando de gira|"
                r"de viaje en viaje"
            ),
            S,
        ),
        (
            (
                r"(?:siempre|todo el tiempo|constantemente|vivo|me la paso|"
                r"paso) (?:de viaje|viajando|en el avion|en aviones|en reuniones|"
                r"en juntas|trabajando|en la oficina|en la chamba|en el curro|"
                r"en el laburo|en el trabajo)"
            ),
            S,
        ),
        (
            (
                r"(?:mucho|muchisimo|demasiado|tanto|un monton de|un chingo de|harto|"
                r"bastante|full|mucha|muchisima|tanta|un monton|re mucho) (?:trabajo|"
                r"chamba|curro|laburo|jale|camello|pega|reuniones|juntas|pendientes|"
                r"viajes|work|chambita|meetings)"
            ),
            S,
        ),
        (
            (
                r"(?:la chamba|el curro|el laburo|el trabajo|el jale|el camello|la pega|"
                r"la oficina|la empresa|el negocio|mi trabajo|mi chamba|mi curro|"
                r"mi laburo|el cargo|mi puesto)(?: me)? (?:me |no me )?(?:consume|absorbe|"
                r"come|mata|tiene|trae|deja|exige|demanda|quita|chupa|esta|"
                r"anda)(?: todo)? (?:el tiempo|todo|mucho|muy|a mil|loco|loca|de cabeza|"
                r"agotado|sin tiempo|full|pesado|pesada|fuerte|imposible|ocupado|"
                r"ocupadisimo|exigente|intenso|intensa|de locos|cabron|cabrona|brutal|"
                r"horrible)"
            ),
            S,
        ),
        (
            (
                r"(?:jornadas|horarios|dias|turnos|semanas) (?:muy |super |re |bien |"
                r"larguisimas |larguisimos )?(?:largas|largos|larguisimas|eternas|eternos|"
                r"pesadas|pesados|de locos|de doce horas|de 12 horas|de catorce horas)"
            ),
            S,
        ),
        (
            (
                r"(?:trabajo|trabajamos|chambeo|curro|laburo) (?:como |unas |mas de |"
                r"casi )?(?:sesenta|setenta|ochenta|60|70|80|doce|12|catorce|14|diez|10|"
                r"cincuenta|50) (?:horas|hrs)"
            ),
            S,
        ),
        (
            (
                r"(?:reuniones|juntas|llamadas|meetings) (?:todo el dia|una tras otra|"
                r"seguidas|sin parar|back to back|de la manana a la noche)|(?:reunion|"
                r"junta) tras (?:reunion|junta)"
            ),
            S,
        ),
        (
            (
                r"no (?:puedo|podria|voy a poder|creo que pueda|se si pueda|alcanzo a|"
                r"logro|consigo) (?:comprometerme|con todo|meter|meterle|acomodar|cuadrar|"
                r"encajar|sacar tiempo|hacer tiempo|organizarme|cumplir|seguir el ritmo|"
                r"dedicarle|dedicar|ir tres|ir dos|hacer las sesiones|asistir|conectarme|"
                r"estar en las llamadas|agendar)"
            ),
            S,
        ),
        (
            (
                r"(?:donde|cuando|de donde|en que momento) (?:voy a |lo voy a |iba a |"
                r"podria )?(?:sacar|hallar|encontrar|meter|tener|saco|encuentro|"
                r"meto) (?:el )?(?:tiempo|rato|hueco|tiempito)"
            ),
            S,
        ),
        (
            (
                r"(?:el |mi |lo del |el tema del |el problema es el |"
                r"el unico problema es el )?(?:tiempo|horario|agenda|schedule) (?:es|"
                r"seria|va a ser|esta|me) (?:el |un |mi )?(?:problema|tema|lio|rollo|"
                r"obstaculo|complicado|complicada|impedimento|issue|limitante|"
                r"inconveniente)"
            ),
            S,
        ),
        (
            (
                r"(?:con|entre) (?:los ninos|los chicos|los chamacos|los hijos|los nenes|"
                r"los pibes|los cabros|el bebe|la familia|los crios|la casa|las reuniones|"
                r"el trabajo|la chamba|el curro|el laburo|la empresa|los viajes|"
                r"mi agenda) (?:y |no me |no tengo |no hay |casi no |es imposible |"
                r"es dificil |apenas )"
            ),
            M,
        ),
        (
            (
                r"(?:atareado|atareada|a full|a mil|agobiado de trabajo|"
                r"hasta arriba de trabajo|tapado de trabajo|lleno de trabajo|"
                r"llena de trabajo|cargado de trabajo|cargada de trabajo)"
            ),
            M,
        ),
        (
            (
                r"(?:apenas|casi no) (?:tengo|me queda|me da) (?:tiempo|un rato|"
                r"para comer|para dormir|chance)"
            ),
            S,
        ),
        (r"(?:no|ni) (?:me da|tengo) (?:chance|tiempo) (?:de|para|ni)", S),
        (
            (
                r"(?:temporada|epoca|cierre|fin) (?:alta|de cierre|de trimestre|de ano|"
                r"de mes|de mucho trabajo|fuerte|pesada)"
            ),
            W,
        ),
    ),
    "think_it_over": (
        (
            (
                r"(?:es|por|seria|mas bien|solo es|es solo|es mas) (?:el |un tema de |"
                r"cuestion de |tema de )(?:momento|timing|tiempos)$|no es (?:el |"
                r"buen )?momento|mal momento|(?:el )?timing"
            ),
            M,
        ),
        (
            (
                r"cuando (?:me decida|lo decida|lo tenga claro|sepa|lo piense|"
                r"lo haya pensado|tenga tiempo de pensarlo)|(?:dejame|deja|dejeme|"
                r"permiteme) (?:checarlo|chequearlo|revisarlo|verlo|pensarlo|consultarlo|"
                r"analizarlo|mirarlo)|y (?:te|le|les) (?:marco|llamo|escribo|aviso|digo|"
                r"confirmo|hablo|contacto)$"
            ),
            S,
        ),
        (
            (
                r"(?:hablamos|podemos hablar|hablemos|volvemos a hablar|lo retomamos|"
                r"retomamos|retomemos|lo vemos|nos hablamos|me buscas|me llamas|me marcas|"
                r"me escribes) (?:en|para|despues de|a|hasta) (?:la |el |"
                r"las )?(?:primavera|verano|otono|invierno|enero|febrero|marzo|abril|mayo|"
                r"junio|julio|agosto|septiembre|octubre|noviembre|diciembre|otro mes|"
                r"proximo mes|ano que viene|proximo ano|unos meses|un par de meses|"
                r"unas semanas|fiestas|vacaciones)"
            ),
            S,
        ),
        (
            (
                r"(?:lo|la|me lo|te lo|tengo que|voy a|dejame|deja|lo voy a|lo tengo que|"
                r"lo quiero|quiero|necesito) (?:pensar|pensarlo|meditar|meditarlo|"
                r"analizar|analizarlo|evaluar|considerar|reflexionar|madurar|piensar|"
                r"chequear|checar|revisar|consultar con la almohada|ver con calma)|"
                r"lo pienso|lo medito|lo analizo|lo evaluo|lo reviso|lo checo|lo chequeo|"
                r"lo considero|lo consulto con la almohada|lo platico|lo hablo|lo charlo"
            ),
            S,
        ),
        (
            (
                r"(?:pensarlo|pensarmelo|meditarlo|analizarlo|evaluarlo|considerarlo|"
                r"reflexionarlo|madurarlo|revisarlo|consultarlo con la almohada|"
                r"pensar bien|pensar un poco|pensar con calma|pensarlo bien|"
                r"pensarlo con calma|pensarlo un poco|pensarlo mas|pensarlo mejor)"
            ),
            S,
        ),
        (
            (
                r"(?:consultarlo|consultar|hablarlo|platicarlo) con la almohada|"
                r"dormir(?:lo)? sobre (?:eso|esto|ello)|dormirlo|think about it|"
                r"think it over|let me think$|let me think about"
            ),
            S,
        ),
        (r"(?:te|le|les) (?:aviso|confirmo)", S),
        (
            (
                r"(?:te|le|les) (?:llamo|marco|escribo|hablo|contesto|respondo|digo|"
                r"mando un mensaje|mando mensaje|mando whatsapp) (?:despues|luego|"
                r"mas tarde|mas adelante|manana|la otra semana|la proxima semana|el lunes|"
                r"en unos dias|en la semana|cualquier cosa|si acaso|si me interesa|cuando|"
                r"en cuanto|otro dia|pronto)"
            ),
            S,
        ),
        (
            (
                r"(?:despues|luego|mas tarde|mas adelante|manana|otro dia|en otro momento|"
                r"en unos dias|en estos dias|la otra semana|la proxima semana|"
                r"la semana que viene|el otro mes|el proximo mes|el mes que viene|"
                r"el ano que viene|el proximo ano|el otro ano|en enero|en febrero|"
                r"en marzo|en abril|en mayo|en junio|en julio|en agosto|en septiembre|"
                r"en octubre|en noviembre|en diciembre|pasadas las fiestas|"
                r"despues de las fiestas|despues de vacaciones|despues del verano|"
                r"a la vuelta|a la vuelta de vacaciones|cuando pase|cuando se calme|"
                r"cuando baje|cuando termine) (?:te|le|les) (?:aviso|confirmo|llamo|marco|"
                r"escribo|hablo|contesto|digo|busco)"
            ),
            S,
        ),
        (
            (
                r"(?:llamame|llameme|marcame|marqueme|hablame|hableme|escribeme|escribame|"
                r"buscame|busqueme|contactame|contacteme|llamenme|me llamas|me llama|"
                r"me marcas|me marca|me hablas|me habla|me escribes|me escribe|me buscas|"
                r"me busca|vuelve a llamar|vuelva a llamar|volvemos a hablar|hablamos|"
                r"lo hablamos|lo vemos|nos hablamos|nos vemos) (?:despues|luego|mas tarde|"
                r"mas adelante|manana|otro dia|en otro momento|en unos dias|"
                r"la otra semana|la proxima semana|la semana que viene|el otro mes|"
                r"el proximo mes|el mes que viene|el ano que viene|en un mes|"
                r"en unos meses|en un par de|en dos|en tres|pasado manana|el lunes|"
                r"en enero|despues de|a la vuelta|cuando)"
            ),
            S,
        ),
        (
            (
                r"(?:ahorita|ahora|por ahora|de momento|por el momento|en este momento|"
                r"este mes|este ano|hoy|todavia|aun|aun no|ahorita mismo|de momentito|"
                r"por lo pronto) no(?! (?:tengo|hay|puedo|me alcanza|me da|me interesa|"
                r"creo|se|quiero|es|estoy)\b)"
            ),
            M,
        ),
        (
            (
                r"(?:ahorita|ahora|por ahora|de momento|por el momento|en este momento|"
                r"este mes|este ano|hoy|todavia|aun|ahorita mismo|"
                r"por lo pronto) no (?:puedo|es buen momento|es el momento|me late|"
                r"me animo|me decido|estoy listo|estoy lista|estoy segura|estoy seguro|"
                r"lo veo|es prioridad|toca|conviene|quiero comprometerme|quiero decidir|"
                r"puedo decidir|me queda)"
            ),
            S,
        ),
        (
            (
                r"(?:no es|no seria|no es el|no es un|no es buen|no es un buen|"
                r"mal) (?:el |un |buen )?(?:momento|timing|tiempo para eso)|"
                r"no es buen momento|mal momento|no es el momento"
            ),
            M,
        ),
        (
            (
                r"(?:mas adelante|mas adelantito|en otro momento|otro dia|otro rato|"
                r"algun dia|en un futuro|en el futuro|a futuro|mas para adelante|"
                r"despues vemos|luego vemos|ya veremos|ya vere|ya vemos|vamos viendo|"
                r"lo vemos despues|lo vemos luego|lo dejamos para|dejemoslo para|"
                r"dejarlo para|para mas adelante|para despues|para otro momento|"
                r"para el otro ano|para el ano que viene|para el proximo mes|para enero|"
                r"para el otro mes|ya despues|quizas despues|tal vez despues|"
                r"quiza mas adelante|a lo mejor mas adelante|capaz mas adelante|"
                r"capaz despues)"
            ),
            S,
        ),
        (
            (
                r"(?:quizas|quiza|tal vez|a lo mejor|capaz|puede ser|igual|"
                r"posiblemente) (?:mas adelante|despues|luego|el otro|el proximo|el mes|"
                r"el ano|en unos|en un|en enero|otro dia|en otro momento|la otra semana|"
                r"la proxima|en el futuro|para el otro|para el proximo|para enero|"
                r"para el ano)"
            ),
            S,
        ),
        (
            (
                r"(?:mandame|mandeme|mandenme|enviame|envieme|envienme|pasame|paseme|"
                r"pasenme|manda|envia|me mandas|me manda|me envias|me envia|me pasas|"
                r"me pasa|me puedes mandar|me puede mandar|me puedes enviar|"
                r"me puede enviar|me puedes pasar|me puede pasar|podrias mandarme|"
                r"podria mandarme|podrias enviarme|podria enviarme|mandar|enviar|"
                r"me mandan|me envian|send me) (?:la |el |los |las |un |una |mas |"
                r"toda la |algo de |alguna |algun |todo |eso |esto )?(?:informacion|info|"
                r"detalles|folleto|brochure|pdf|propuesta|presentacion|cotizacion|correo|"
                r"mail|email|whatsapp|mensaje|resumen|material|materiales|"
                r"link de la pagina|pagina|web|sitio|por correo|por mail|por whatsapp|"
                r"por escrito|por email|todo por|precios|lista de precios)"
            ),
            S,
        ),
        (
            (
                r"(?:por|al|a mi) (?:correo|mail|email|whatsapp|wasap)(?: y| para|"
                r" asi)? (?:lo|la|le|te|me) ?(?:leo|reviso|veo|checo|chequeo|analizo|"
                r"pienso|miro|aviso)"
            ),
            S,
        ),
        (
            (
                r"(?:lo|la|le|los) (?:voy a |tengo que |quiero )?(?:revisar|checar|"
                r"chequear|mirar|ver|leer|estudiar|analizar) (?:con calma|con tiempo|bien|"
                r"tranquilo|tranquila|despues|luego|mas tarde|en casa|el fin de semana|"
                r"y te aviso|y le aviso|y te digo|y te confirmo)"
            ),
            S,
        ),
        (
            (
                r"(?:investigar|averiguar|comparar|cotizar|ver otras opciones|"
                r"ver opciones|buscar opciones|mirar opciones|revisar opciones|"
                r"chequear opciones|preguntar en otros lados|ver que mas hay|"
                r"ver otras cosas|evaluar opciones|comparar precios|ver otros programas|"
                r"checar opciones)"
            ),
            S,
        ),
        (
            (
                r"no (?:estoy|estamos|me siento) (?:todavia |aun |muy |del todo |"
                r"cien por ciento |100 por ciento |tan |completamente )?(?:listo|lista|"
                r"listos|seguro|segura|seguros|decidido|decidida|convencido del todo|"
                r"preparado|preparada)"
            ),
            S,
        ),
        (
            (
                r"(?:necesito|quiero|dame|deme|denme|me das|me da|me dan|dejame|deme|"
                r"regalame|dame un poco de|necesito un poco de|necesito mas|"
                r"quiero un poco de) (?:un poco de |mas |unos |unas |un |una |algo de |"
                r"tiempito |tiempo para )?(?:tiempo|tiempito|dias|semanas|chance|ratito|"
                r"rato|tiempo para pensar|tiempo para decidir|unos dias|unas semanas|"
                r"chancecito)"
            ),
            S,
        ),
        (
            (
                r"(?:esperar (?:un poco|unos|unas|a que|hasta|al|a ver|un tiempo|un rato)|"
                r"esperemos|aguantemos|dejemos pasar|dejar pasar|dejarlo pasar|"
                r"posponer|postergar|aplazar|pausar|en pausa|en stand by|en standby|"
                r"en espera|on hold)"
            ),
            M,
        ),
        (
            (
                r"(?:no|sin) (?:quiero|queremos|me gusta|me gustaria|voy a|puedo|"
                r"podemos) (?:decidir|comprometerme|apresurarme|precipitarme|firmar|"
                r"tomar una decision|tomar la decision|comprar|contratar) (?:nada |"
                r"ahorita|ahora|hoy|todavia|aun|asi|por telefono|en la llamada|tan rapido|"
                r"de una|sin pensar|a la ligera|tan de golpe|tan pronto|ya)"
            ),
            S,
        ),
        (
            (
                r"(?:es una|es un|seria una|seria un) (?:decision|compromiso|gasto|"
                r"inversion|paso) (?:grande|importante|fuerte|seria|serio|muy grande|"
                r"muy importante)|(?:gran|gran|importante|gran) decision"
            ),
            M,
        ),
        (
            (
                r"(?:no hay|sin|cual es la) (?:prisa|apuro|urgencia|rush)|"
                r"no (?:me )?quiero (?:apurar|apresurar|precipitar)|no nos apuremos|"
                r"con calma"
            ),
            M,
        ),
        (
            (
                r"(?:dejame|deja|dejeme|deje|dejenme|permiteme|permitame|a ver) (?:ver|"
                r"checar|chequear|revisar|mirar|pensar|consultar|averiguar|hacer cuentas|"
                r"organizarme|acomodarme|ver como|ver que|ver si|ver mi|revisar mi|"
                r"checar mi)"
            ),
            M,
        ),
        (
            (
                r"(?:te|le) (?:aviso|confirmo)|(?:yo|ya) (?:te|le|les) (?:aviso|confirmo|"
                r"llamo|marco|escribo)|cualquier cosa (?:te|le) (?:aviso|llamo|marco|"
                r"escribo)|quedamos en contacto|seguimos en contacto|estamos en contacto|"
                r"seguimos hablando"
            ),
            S,
        ),
        (
            (
                r"(?:lo|la) (?:voy a )?(?:tener|tengo) en cuenta|(?:tenerlo|lo tengo|"
                r"lo tendre) en cuenta|guardare tu numero|guardo tu numero|"
                r"guardo el numero|me guardo el contacto|me lo anoto"
            ),
            M,
        ),
        (
            (
                r"(?:tal vez|quizas|quiza|a lo mejor|capaz|puede ser|"
                r"igual) (?:lo )?(?:pienso|considero|hago|veo|intento|tomo|revise|piense|"
                r"considere)"
            ),
            M,
        ),
        (
            (
                r"(?:no se|no sabria|todavia no se|aun no se) (?:todavia|aun|si ahora|"
                r"si es el momento|si sea el momento|si ya|cuando)"
            ),
            M,
        ),
    ),
    "skepticism": (
        (
            (
                r"no me veo (?:siguiendo|siguiendolo|haciendo|haciendolo|cumpliendo|"
                r"constante|yendo|levantandome|entrenando|comprometido|comprometida)"
            ),
            S,
        ),
        (
            (
                r"puro marketing|pura publicidad|pura mercadotecnia|puro humo|pura venta|"
                r"pura mentira|no me (?:trago|creo) (?:eso|esto|el cuento)|no me lo trago|"
                r"no me la trago|mala espina|me huele mal|me suena raro|me suena a"
            ),
            S,
        ),
        (
            (
                r"(?:siempre|al final|luego|despues|casi siempre) (?:termino |"
                r"acabo )?(?:dejandolo|dejando|abandonando|abandonandolo|renunciando|"
                r"rindiendome|tirando la toalla|por dejarlo|por abandonar)|"
                r"me preocupa (?:no ser constante|no cumplir|no poder seguir|no aguantar|"
                r"dejarlo|abandonar|no lograrlo|que no funcione)"
            ),
            S,
        ),
        (
            (
                r"(?:estoy|ando|sigo) (?:entre que si y que no|indeciso|indecisa|dudando|"
                r"en duda|con dudas|medio dudoso|medio dudosa)"
            ),
            M,
        ),
        (
            (
                r"(?:no creo|dudo|no se si|no estoy seguro de|no estoy segura de|"
                r"no estoy seguro si|no estoy segura si|tengo dudas de|tengo mis dudas de|"
                r"no confio en|desconfio de|no veo como|no se como) (?:que )?(?:esto |"
                r"eso |el programa |esta cosa |un coach |un entrenador |el coaching |"
                r"lo de |este tipo de |algo asi |un programa |la asesoria |ustedes |"
                r"tu programa |su programa |el metodo |en linea |online |por internet |"
                r"a distancia |virtual )?(?:funcione|funcionen|sirva|sirvan|me sirva|"
                r"me funcione|resulte|me resulte|de resultado|de resultados|ayude|"
                r"me ayude|sea para mi|sea lo mio|sea lo que necesito|sea diferente|dure|"
                r"vaya a funcionar|vaya a servir|me vaya a servir|me vaya a funcionar|"
                r"funcione conmigo|funciona|sirve|valga la pena|me convenga|me vaya bien|"
                r"lo logre|pueda|aguante|cumpla|realmente funcione|de verdad funcione|"
                r"en serio funcione)"
            ),
            S,
        ),
        (
            (
                r"(?:esto|eso|el programa|esta cosa|un coach|un entrenador|el coaching|"
                r"estas cosas|estos programas|esos programas|las dietas|los programas|"
                r"las apps|los coaches|los entrenadores|nada|ninguno|ninguna|"
                r"nunca) (?:realmente |de verdad |en serio |nunca |no |jamas |casi nunca |"
                r"ya no )+(?:funciona|funcionan|funciono|funcionaron|sirve|sirven|sirvio|"
                r"sirvieron|me funciona|me funciono|me sirve|me sirvio|me sirvieron|"
                r"me funcionaron|me ha funcionado|me han funcionado|ha funcionado|"
                r"han funcionado|dura|duran|duro)"
            ),
            S,
        ),
        (
            (
                r"(?:ya|ya lo|ya la|ya he|ya hice|ya probe|ya intente|he) (?:intentado|"
                r"probado|hecho|intente|probe|hice) (?:de todo|todo|mil cosas|"
                r"muchas cosas|varias cosas|muchos|varios|muchas|un monton|un chingo|eso|"
                r"esto|lo mismo|algo asi|algo parecido|coaches|programas|dietas|apps|"
                r"entrenadores|gimnasios|otros)"
            ),
            S,
        ),
        (
            (
                r"(?:probe|intente|hice|tuve|contrate|pague|use|he probado|he intentado|"
                r"he tenido|he contratado|he pagado) (?:~ )?(?:y|pero) (?:no|nada|nunca|"
                r"jamas|al final no|igual no|tampoco) (?:me )?(?:funciono|sirvio|resulto|"
                r"funcionaron|sirvieron|resultaron|paso nada|cambio nada|duro|duraron|"
                r"logre|baje|vi resultados|vi nada|hizo nada)"
            ),
            S,
        ),
        (
            (
                r"(?:no|nunca|jamas|nada|ninguno|ninguna) (?:me )?(?:ha |"
                r"han )?(?:funcionado|servido|resultado|dado resultado|dado resultados)"
            ),
            S,
        ),
        (
            (
                r"(?:nada|ninguno|ninguna|nunca) (?:me )?(?:funciona|funciono|sirve|"
                r"sirvio|resulta|resulto|dura|duro)"
            ),
            S,
        ),
        (
            (
                r"(?:no|nunca) (?:me )?(?:funciono|sirvio|resulto|funcionaron|sirvieron|"
                r"resultaron|duro|duraron|dio resultado|dieron resultado)"
            ),
            S,
        ),
        (
            (
                r"(?:suena|parece|se oye|me suena|me parece|huele a|esto es|eso es|"
                r"es) (?:muy |demasiado |medio |un poco |bien |"
                r"como )?(?:bueno para ser verdad|demasiado bueno|una estafa|estafa|"
                r"un fraude|fraude|un timo|timo|un engano|engano|cuento|puro cuento|"
                r"puro bla bla|humo|venta de humo|un chanchullo|chanchullo|una chantada|"
                r"chanta|un verso|verso|pura venta|marketing|puro marketing|piramide|"
                r"una piramide|una trampa|trampa|mentira|mentiras|chamuyo|un chamuyo|"
                r"un bluff|bluff|scam|sospechoso|raro|muy raro|fake)"
            ),
            S,
        ),
        (
            (
                r"(?:estafa|fraude|timo|chanta|chantas|chamuyo|verso|bla bla bla|"
                r"venden humo|vende humo|vendedores de humo|puro cuento|cuentos chinos|"
                r"pura paja|tongo|sacadineros|saca dineros|charlatan|charlatanes|scam)"
            ),
            S,
        ),
        (
            (
                r"(?:no me convence|no me convencen|no me termina de convencer|"
                r"no estoy convencido|no estoy convencida|no me la creo|no me lo creo|"
                r"no les creo|no te creo|no le creo|no lo creo|no creo en|no confio|"
                r"desconfio|desconfianza|no me fio|no me da confianza|me da desconfianza|"
                r"escéptico|esceptico|esceptica|escepticos|dudoso|dudosa|tengo mis dudas|"
                r"tengo dudas|me quedan dudas|lo dudo|dudo mucho|lo veo dificil|"
                r"lo veo complicado|no lo veo|yo no lo veo|no veo que)"
            ),
            S,
        ),
        (
            (
                r"(?:como se|como puedo saber|como puedo estar seguro|"
                r"como puedo estar segura|como se que|quien me asegura|quien me garantiza|"
                r"que garantia|que garantias|que pruebas|cual es la garantia|hay garantia|"
                r"me garantizas|me garantiza|como me garantizan|como compruebo)"
            ),
            S,
        ),
        (
            (
                r"\?(?:garantia|garantias|pruebas|evidencia|resultados reales|testimonios|"
                r"resenas|comprobado)"
            ),
            W,
        ),
        (
            (
                r"(?:todos|todas|todo el mundo|todos los coaches|todos los programas|"
                r"todos ustedes|siempre) (?:dicen|prometen|venden|ofrecen|"
                r"aseguran) (?:lo mismo|eso|maravillas|milagros|de todo|cosas)|"
                r"ya me (?:han|habian) (?:enganado|estafado|vendido|prometido|timado|"
                r"quemado)|ya me (?:enganaron|estafaron|timaron|vendieron humo|quemaron|"
                r"fallaron)"
            ),
            S,
        ),
        (
            (
                r"(?:mala|malas|pesima|pesimas|fea|feas|horrible|terrible) (?:experiencia|"
                r"experiencias|suerte)|(?:me fue|me ha ido|me han ido) (?:mal|fatal|"
                r"pesimo|horrible)"
            ),
            S,
        ),
        (
            (
                r"(?:perdi|tire|bote|gaste|regale|desperdicie|malgaste|he tirado|"
                r"he perdido|he gastado) (?:mucho |un monton de |mi |el |la |muchisimo |"
                r"tanto |harto )?(?:dinero|plata|lana|guita|pasta|varo) (?:en|con)"
            ),
            S,
        ),
        (
            (
                r"(?:que (?:tiene|hace|lo hace|los hace)|en que (?:es|son|se diferencia|"
                r"se diferencian)|por que (?:seria|iba a ser|esto seria|ustedes serian)|"
                r"que tienen ustedes|que tiene esto|que tiene de) (?:de )?(?:diferente|"
                r"distinto|especial|mejor)"
            ),
            M,
        ),
        (
            (
                r"(?:siempre|al final|luego|despues|igual) (?:lo |los |los kilos |"
                r"el peso )?(?:recupero|vuelvo a subir|subo otra vez|vuelvo a engordar|"
                r"rebote|rebotar|efecto rebote)|efecto rebote|efecto yoyo|efecto yo yo|"
                r"rebote"
            ),
            M,
        ),
        (
            (
                r"no soy (?:de los|de las|del tipo|de la gente|de esas personas|"
                r"de esos) (?:que|de) (?:aguanta|aguantan|sigue|siguen|dura|duran|termina|"
                r"terminan|cumple|cumplen|mantiene|mantienen|constante|constantes)|"
                r"(?:siempre|al final|luego|despues) (?:lo dejo|abandono|me rindo|"
                r"tiro la toalla|lo abandono|me aburro|lo dejo tirado)|"
                r"no soy (?:muy )?constante|nunca (?:termino|acabo) (?:nada|"
                r"lo que empiezo)"
            ),
            S,
        ),
        (
            (
                r"(?:no se si|no creo que|dudo que|no se que tan|no estoy seguro de que|"
                r"no estoy segura de que) (?:yo )?(?:pueda|podria|aguante|logre|sea capaz|"
                r"me comprometa|lo cumpla|lo mantenga|siga|lo sostenga|"
                r"tenga la disciplina|sea constante)"
            ),
            M,
        ),
        (
            (
                r"(?:coaching|entrenamiento|programas|asesoria|clases|"
                r"sesiones) (?:en linea|online|por internet|virtual|virtuales|a distancia|"
                r"por zoom|por telefono|por app) (?:no|nunca|jamas) (?:funciona|funcionan|"
                r"sirve|sirven|es lo mismo|son lo mismo)"
            ),
            S,
        ),
        (
            (
                r"(?:generico|generica|lo mismo para todos|igual para todos|"
                r"receta para todos|cortado con la misma tijera|de cajon|copia y pega|"
                r"copiar y pegar)"
            ),
            M,
        ),
        (
            (
                r"(?:mi cuerpo|mi metabolismo|mi caso|mi genetica|mi situacion) (?:es|"
                r"son) (?:diferente|distinto|distinta|especial|complicado|complicada|raro|"
                r"rara|dificil)"
            ),
            M,
        ),
        (
            (
                r"(?:no (?:se|sabria|estoy seguro|estoy segura) si|no creo que|"
                r"dudo que) (?:esto|eso|un coach|el coaching|el programa|un programa|"
                r"algo asi|este tipo de cosas|esta clase de cosas|un entrenador) (?:sea|"
                r"es|seria) (?:para mi|lo mio|lo que necesito|lo que busco|adecuado|"
                r"indicado|lo indicado|lo adecuado|lo correcto|la solucion|"
                r"para alguien como yo)"
            ),
            S,
        ),
        (
            (
                r"(?:funciona de verdad|de verdad funciona|realmente funciona|"
                r"en serio funciona|sirve de algo|sirve de verdad|eso funciona|"
                r"esto funciona|funciona eso|funciona esto)"
            ),
            M,
        ),
        # Doubt about one's age or genes, the method, or talking to an automated agent
        # (issue 13).
        (
            (
                r"(?:estoy|soy|ando) (?:muy |demasiado |ya )?(?:grande|viejo|vieja|mayor|"
                r"viejito|viejita|veterano|veterana) para (?:esto|estas|eso|esas|andar|"
                r"empezar|ponerme|hacer|cambiar)|a (?:mi|esta) edad (?:ya )?(?:no creo|"
                r"dudo|es dificil|es tarde|no se puede|nada|para que|ya no)|"
                r"(?:ya )?(?:se me )?(?:paso|fue) (?:el tren|mi momento|la edad)|"
                r"(?:loro|perro) viejo"
            ),
            S,
        ),
        (
            (
                r"(?:es|son|somos|todo es|esta en (?:los|mis)|viene de) (?:genetico|"
                r"genetica|geneticos|los genes|mis genes|familia|de familia|"
                r"hereditario)|mala genetica|(?:mis|los) genes|la genetica|"
                r"contra (?:la|mi) genetica|ningun (?:programa|coach|entrenador|metodo|"
                r"plan|app) (?:me )?(?:va a|lo va a|puede|podria) (?:cambiar|arreglar|"
                r"ayudar)"
            ),
            S,
        ),
        (
            (
                r"(?:hablando|hablo|hablar|platicando|platicar|conversando|conversar) "
                r"con (?:una |un )?(?:maquina|robot|bot|grabacion|computadora|ordenador|"
                r"contestadora|inteligencia artificial|ia|chatbot)|(?:eres|es esto|"
                r"esto es|sos|es usted|usted es|eres tu) (?:un |una )?(?:robot|bot|"
                r"maquina|grabacion|contestadora|inteligencia artificial|ia|chatbot)|"
                r"(?:a|con|de|por) (?:un|una) (?:robot|bot|maquina|computadora|"
                r"inteligencia artificial|chatbot)|(?:inteligencia artificial|"
                r"un robot|una maquina|un bot) (?:no )?(?:va a|puede|sabe|entiende)|"
                r"no me (?:da|inspira|genera|transmite) (?:mucha |ninguna )?(?:confianza|"
                r"seguridad|buena espina)"
            ),
            S,
        ),
    ),
    "has_alternative": (
        (
            (
                r"programa de (?:bienestar|salud|wellness) (?:de|en|que tiene|"
                r"que da) (?:mi|la|nuestra) (?:empresa|trabajo|compania|oficina|chamba)|"
                r"(?:mi|la) (?:empresa|compania|oficina)(?: ya)? (?:tiene|da|ofrece|paga|"
                r"nos da|me da) (?:un )?(?:programa|plan) de (?:bienestar|salud|wellness)"
            ),
            S,
        ),
        (
            (
                r"(?:lo |esto |eso )?(?:puedo|podria) hacer(?:lo)? (?:yo )?(?:solo|sola|"
                r"por mi cuenta|con una app|con youtube|con videos|en casa solo|"
                r"en casa sola)"
            ),
            S,
        ),
        (
            (
                rf"(?:ya|actualmente|ahorita|ahora|ahora mismo|hace anos|desde hace|"
                rf"de hace tiempo|por ahora) (?:tengo|tenemos|uso|usamos|voy a|vamos a|"
                rf"voy al|voy a la|trabajo con|entreno con|pago|pagamos|estoy con|estoy en|"
                rf"estamos con|estamos en|hago|hacemos|sigo|seguimos|cuento con|"
                rf"contamos con|me atiende|me asesora|me entrena|me lleva|tengo contratado|"
                rf"tengo contratada|estoy inscrito en|estoy inscrita en|estoy apuntado en|"
                rf"estoy apuntada en|estoy anotado en|estoy anotada en|me apunte a|"
                rf"me inscribi en|me anote en|contrate|tengo un|tengo una|tengo mi|"
                rf"voy con) (?:a |al |a la |con |en |el |la |los |las |un |una |mi |mis |"
                rf"nuestro |nuestra |)?(?:propio |propia |personal |particular |buen |"
                rf"buena |muy buen |muy buena )?{_ALT}"
            ),
            S,
        ),
        (
            (
                rf"(?:tengo|tenemos|uso|usamos|voy al|voy a la|vamos al|trabajo con|"
                rf"entreno con|estoy con|estamos con|hago|hacemos|sigo|seguimos|cuento con|"
                rf"me atiende|me asesora|me entrena|pago|pagamos|estoy inscrito en|"
                rf"estoy inscrita en|estoy apuntado a|estoy apuntada a|estoy anotado en|"
                rf"estoy anotada en|voy con) (?:a |al |a la |con |en |el |la |los |las |"
                rf"un |una |mi |mis |nuestro |nuestra |)?(?:propio |propia |personal |"
                rf"particular |buen |buena |muy buen |"
                rf"muy buena )?{_ALT}(?! (?:que me recomendaste|cita|consulta))"
            ),
            M,
        ),
        (
            (
                r"(?:mi|nuestro|nuestra|el|la) (?:propio |propia )?(?:entrenador|"
                r"entrenadora|entrenador personal|coach|nutriologo|nutriologa|"
                r"nutricionista|dietista|gym|gimnasio|rutina|plan|fisio|instructor|"
                r"instructora|profe|preparador|preparadora|trainer|"
                r"personal trainer) (?:me |ya me |y yo )(?:tiene|lleva|ayuda|da|arma|"
                r"hace|entrena|cuida|maneja|asesora|atiende|tiene con)"
            ),
            S,
        ),
        (
            (
                rf"(?:el|la|mi|un|una) {_ALT} (?:que tengo|que ya tengo|con el que|"
                rf"con la que|con quien)"
            ),
            S,
        ),
        (
            (
                r"(?:entreno|entrenar|entrenando|hago ejercicio|hacer ejercicio|"
                r"ejercitarme|me ejercito|lo hago|hacerlo|voy|corro|salgo a correr|"
                r"me arreglo|me las arreglo|me organizo|lo manejo|me cuido) (?:solo|sola|"
                r"por mi cuenta|por mi lado|a mi manera|yo mismo|yo misma|en casa solo|"
                r"en casa sola|por mi parte|por mi propia cuenta|de forma independiente|"
                r"sin ayuda|sin coach|sin entrenador)"
            ),
            S,
        ),
        (
            (
                r"(?:prefiero|me gusta mas|me gusta|mejor) (?:entrenar|hacerlo|ir|"
                r"ejercitarme|trabajar|estar) (?:solo|sola|por mi cuenta|a mi manera|"
                r"yo mismo|yo misma|sin ayuda)"
            ),
            S,
        ),
        (
            (
                r"(?:veo|sigo|uso|miro|hago) (?:videos|rutinas|ejercicios|clases|"
                r"tutoriales|cosas|workouts)? ?(?:de|en|por|con)? ?(?:youtube|instagram|"
                r"tiktok|internet|una app|la app|una aplicacion|apps|aplicaciones|peloton|"
                r"google|chatgpt)"
            ),
            S,
        ),
        (
            (
                r"(?:la empresa|mi empresa|el trabajo|mi trabajo|la chamba|la oficina|"
                r"la compania|el seguro|mi seguro|mi prepagada|la prepagada|"
                r"la obra social|mi obra social) (?:ya )?(?:tiene|me da|nos da|ofrece|"
                r"nos ofrece|me ofrece|paga|me paga|nos paga|cubre|me cubre|incluye|"
                r"tiene convenio con) (?:un |una |el |la |los |las )?(?:programa|plan|"
                r"gimnasio|gym|coach|nutriologo|nutricionista|entrenador|membresia|"
                r"bienestar|wellness|beneficio|clases|convenio)"
            ),
            S,
        ),
        (
            (
                r"(?:el medico|mi medico|el doctor|mi doctor|la doctora|mi doctora|"
                r"el nutriologo|mi nutriologo|la nutriologa|mi nutriologa|"
                r"el nutricionista|mi nutricionista|el cardiologo|mi cardiologo|"
                r"el endocrinologo|mi endocrinologo|el endocrino|mi endocrino|el fisio|"
                r"mi fisio) (?:ya )?(?:me )?(?:tiene|puso|dio|mando|receto|armo|hizo|paso|"
                r"lleva|tiene con) (?:con |a |en )?(?:un |una |el |la )?(?:plan|dieta|"
                r"programa|rutina|regimen|tratamiento|control|ejercicios)"
            ),
            S,
        ),
        (
            (
                r"(?:me inscribi|me apunte|me anote|me meti|me uni|me registre|entre|"
                r"pague|compre) (?:a|al|en|en el|en la|a la|a un|a una|en un|"
                r"en una)? ?(?:gimnasio|gym|programa|app|aplicacion|coach|entrenador|"
                r"clases|crossfit|reto|membresia|curso|smartfit|smart fit)"
            ),
            M,
        ),
        (
            (
                r"\?(?:puedo|podria|lo puedo|lo podria|eso lo puedo|eso lo encuentro|"
                r"eso lo veo|eso esta|todo eso esta|eso lo hay|hay) (?:hacer|conseguir|"
                r"encontrar|ver|sacar|bajar|hacerlo|conseguirlo|encontrarlo|"
                r"buscar)? ?(?:yo solo|yo sola|gratis|gratuito|en internet|en youtube|"
                r"por mi cuenta|en una app|con una app|mas barato|de gratis|free|online)"
            ),
            M,
        ),
        (
            (
                r"(?:crossfit|smartfit|smart fit|bodytech|sport city|sportcity|megatlon|"
                r"peloton|noom|orangetheory|f45|anytime fitness|planet fitness|gold s gym|"
                r"golds gym|curves|zumba|spinning)"
            ),
            M,
        ),
        (
            (
                r"(?:voy|vamos|asisto|asistimos) (?:al|a la|a|a mi|a un|"
                r"a una) (?:gimnasio|gym|club|clases|crossfit|yoga|pilates|spinning|box|"
                r"natacion|alberca|piscina|pileta)"
            ),
            M,
        ),
        (
            (
                r"(?:corro|nado|hago pesas|levanto pesas|hago yoga|hago pilates|"
                r"hago crossfit|juego futbol|juego tenis|juego padel|juego golf|"
                r"ando en bici|salgo en bici|hago spinning|hago natacion|salgo a correr|"
                r"hago running) (?:todos los dias|todas las mananas|todas las tardes|"
                r"todas las noches|en las mananas|por las mananas|con un grupo|"
                r"con mi grupo|con un club|diario|cada|varias veces|tres veces|dos veces|"
                r"cuatro veces|ya|seguido|regularmente|los fines|entre semana)"
            ),
            M,
        ),
        (
            (
                r"(?:contento|contenta|feliz|bien|satisfecho|satisfecha|"
                r"conforme) con (?:mi|mis|el|la|lo) (?:entrenador|entrenadora|coach|"
                r"nutriologo|nutriologa|nutricionista|gimnasio|gym|rutina|programa|plan|"
                r"app|que tengo|que hago)"
            ),
            S,
        ),
        (r"(?:ya tengo|tengo) (?:quien|alguien que|con quien|a alguien|alguien)", S),
        (
            (
                r"already have (?:a |my )?(?:coach|trainer|personal trainer|nutritionist|"
                r"gym)|i have a (?:coach|trainer|personal trainer)"
            ),
            S,
        ),
    ),
    "needs_approval": (
        (
            (
                rf"(?:mi|la|el) {_APPROVER} (?:querria|quiere|querra|va a querer|"
                rf"tendria que|tiene que|debe|deberia) (?:participar|opinar|estar|decidir|"
                rf"dar su opinion|dar el visto bueno|estar de acuerdo|tener voz|aprobar|"
                rf"autorizar|autorizarlo|aprobarlo|firmar)"
            ),
            S,
        ),
        (
            rf"(?:hablarlo|hablar|consultarlo|consultar|platicarlo|platicar|comentarlo|comentar|"
            rf"verlo|checarlo|checar|chequearlo|chequear|preguntarle|preguntar|discutirlo|discutir|"
            rf"charlarlo|charlar|conversarlo|conversar|decidirlo|decidir|revisarlo|"
            rf"consultarle|comentarselo|comentarle|decirle|contarle|contarselo|"
            rf"planteselo|planteárselo|"
            rf"plantearselo|plantearle|tratarlo|hablo|consulto|platico|comento|checo|"
            rf"chequeo|pregunto|"
            rf"discuto|charlo|converso|decido|hablarlo bien|pensarlo) (?:eso |esto |"
            rf"lo |el tema |todo )?(?:con|a|primero con|antes con|bien con|con el|"
            rf"con la) (?:mi |mis |el |la |los |las |nuestro |"
            rf"nuestra )?{_APPROVER}\b(?! (?:cita|consulta))",
            S,
        ),
        (
            (
                rf"(?:mi|el|la|nuestro|nuestra) {_APPROVER} (?:tiene que|tendria que|debe|"
                rf"deberia|necesita|va a tener que|es quien|es el que|es la que|es la que|"
                rf"decide|lo decide|manda|manda en|maneja|administra|lleva|controla|"
                rf"aprueba|autoriza|tiene la ultima palabra|tiene que aprobar|"
                rf"tiene que autorizar|tiene que dar|tiene que estar de acuerdo|me mata|"
                rf"me mataria|no me deja(?! (?:ni|tiempo|salir|respirar))|no me dejaria|"
                rf"me tiene que dar|se encarga de)"
            ),
            S,
        ),
        (
            (
                rf"(?:el|la) que (?:maneja|administra|lleva|controla|decide|paga|"
                rf"tiene la ultima palabra|manda)(?: [a-z]+){{0,6}} es (?:mi|la|"
                rf"el) {_APPROVER}|quien (?:maneja|decide|paga|administra|"
                rf"manda)(?: [a-z]+){{0,6}} es (?:mi|la|el) {_APPROVER}"
            ),
            S,
        ),
        (
            (
                rf"(?:lo|eso lo|esto lo|eso|esto|la decision la) (?:decide|aprueba|"
                rf"autoriza|maneja|define|ve|resuelve|firma) (?:mi|el|la|nuestro|"
                rf"nuestra) {_APPROVER}"
            ),
            S,
        ),
        (
            (
                r"(?:tengo|tenemos|necesito|necesitamos|habria|tendria|"
                r"tendriamos) que (?:hablarlo|consultarlo|platicarlo|comentarlo|"
                r"discutirlo|conversarlo|charlarlo|pedir permiso|pedir autorizacion|"
                r"pedir aprobacion|esperar la aprobacion|esperar el visto bueno|"
                r"pasarlo por|someterlo a)"
            ),
            M,
        ),
        (
            (
                r"(?:aprobacion|autorizacion|permiso|visto bueno|el ok|el okay|luz verde|"
                r"bendicion|el si|sign off|approval)(?: de| del| de la| de mi|"
                r" por parte de)"
            ),
            S,
        ),
        (
            (
                r"(?:necesito|necesitamos|pedir|pido|tengo que pedir|hay que pedir|"
                r"requiere|requiero|esperar|espero|sin) (?:el |la |un |"
                r"una )?(?:aprobacion|autorizacion|permiso|visto bueno|luz verde|el ok|"
                r"el okay|orden de compra|ok|okay|alta medica|autorizacion medica|"
                r"approval)"
            ),
            S,
        ),
        (
            (
                r"(?:no|no es|no seria|no depende) (?:es |solo |nada mas |solamente |"
                r"solo de |nomas |del todo )?(?:mi decision|decision mia|de mi|mio|"
                r"solo mio|solo de mi|solamente de mi|solo decision mia|yo solo|yo sola|"
                r"mi dinero|mi plata)|no (?:solo |nada mas |solamente )?depende de mi|"
                r"no decido (?:yo )?solo|no decido (?:yo )?sola"
            ),
            S,
        ),
        (
            (
                r"(?:lo|la|las|los) (?:decidimos|hablamos|vemos|platicamos|consultamos|"
                r"resolvemos|pensamos|manejamos) (?:entre los dos|juntos|juntas|en pareja|"
                r"en familia|en equipo|entre todos)|decidimos juntos|"
                r"decision (?:en pareja|de pareja|familiar|de familia|conjunta|de los dos|"
                r"de equipo)|(?:en casa|en mi casa) (?:decidimos|lo decidimos|"
                r"se decide) (?:juntos|entre los dos|los dos)"
            ),
            S,
        ),
        (
            (
                r"(?:lo tiene que pagar|lo paga|lo pagaria|lo tendria que pagar|lo cubre|"
                r"lo cubriria|lo tendria que aprobar|lo tiene que aprobar) (?:la empresa|"
                r"mi empresa|el trabajo|la compania|mi jefe|recursos humanos|rrhh)|"
                r"(?:la empresa|mi empresa|la compania|el trabajo|rrhh|"
                r"recursos humanos) (?:lo |me )?(?:pagaria|pagara|cubriria|cubrira|"
                r"reembolsaria|podria pagar|tendria que pagar|tendria que aprobar|"
                r"tiene que aprobar|lo paga)"
            ),
            M,
        ),
        (
            (
                r"(?:alta|permiso|autorizacion|visto bueno|ok|okay) (?:del|de mi|de la|"
                r"de el) (?:medico|medica|doctor|doctora|cardiologo|fisio|traumatologo|"
                r"cirujano|nutriologo)"
            ),
            S,
        ),
        (
            (
                rf"(?:ver|saber|preguntar|a ver|primero ver|escuchar) (?:que|"
                rf"lo que) (?:dice|opina|piensa|diga|opine|piense|va a decir|"
                rf"me dice) (?:mi |el |la |nuestro |nuestra )?{_APPROVER}"
            ),
            S,
        ),
        (
            (
                rf"(?:sin|antes de) (?:hablarlo|hablar|consultarlo|consultar|platicarlo|"
                rf"platicar|comentarlo|preguntarle|preguntar|decirle) (?:con |a )?(?:mi |"
                rf"el |la |los )?{_APPROVER}"
            ),
            S,
        ),
        (
            (
                rf"(?:mi|la|el) {_SPOUSE} (?:es (?:la|el) que |es quien )?(?:maneja|"
                rf"administra|lleva|controla|ve|maneja|cuida) (?:el |la |las |"
                rf"los )?(?:dinero|plata|lana|cuentas|finanzas|presupuesto|gastos|"
                rf"billetera|cartera|chequera)"
            ),
            S,
        ),
        (
            (
                rf"(?:tengo que|debo|necesito|hay que) (?:ver|checar|preguntar|hablar|"
                rf"consultar) (?:con )?(?:mi |la |el )?(?:{_SPOUSE}|jefe|jefa|doctor|"
                rf"medico|socio|empresa)"
            ),
            S,
        ),
        (
            (
                r"talk to my (?:wife|husband|boss|partner)|check with my (?:wife|husband|"
                r"boss|partner)|ask my (?:wife|husband|boss)"
            ),
            S,
        ),
    ),
    "not_interested": (
        (r"^(?:no |nah |no no )?paso(?: gracias| mil gracias)?$", S),
        (
            (
                r"no (?:me |nos )?(?:interesa|interesan|interesaria|llama la atencion|"
                r"llama|atrae|late|interesa para nada|interesa nada|interesa mucho)"
            ),
            S,
        ),
        (
            (
                r"no (?:estoy|estamos) (?:interesado|interesada|interesados|interesadas|"
                r"buscando|en busca de)"
            ),
            S,
        ),
        (r"not interested$|not interested at all|no thanks|no thank you", S),
        (
            (
                r"no (?:es|son|seria) (?:para mi|lo mio|para nosotros|lo que (?:busco|"
                r"necesito|quiero|buscamos)|mi estilo|mi rollo|lo mio)|eso no es para mi|"
                r"esto no es para mi"
            ),
            S,
        ),
        (
            (
                r"no gracias|gracias pero no|no muchas gracias|no muchisimas gracias|"
                r"no te preocupes gracias|muchas gracias pero no|yo paso|mejor paso|"
                r"voy a pasar|por ahora paso|esta vez paso|paso gracias|^paso$|"
                r"paso por ahora|olvidalo|olvidate|ni loco|ni loca|ni de chiste|"
                r"ni de broma|ni en suenos|ni hablar|de ninguna manera|ni pensarlo|nel|"
                r"nanai|nones|ni a palos"
            ),
            S,
        ),
        (
            (
                r"(?:estoy|estamos|me siento|ando|me encuentro) (?:bien|perfecto|perfecta|"
                r"genial|contento|contenta|tranquilo|tranquila|comodo|comoda|feliz|"
                r"de maravilla|super bien|muy bien|re bien|bastante bien|bien asi|a gusto|"
                r"conforme) (?:asi|como estoy|como estamos|con lo que tengo|"
                r"con lo que hago|con mi vida|de momento|por ahora|la verdad|gracias)"
            ),
            S,
        ),
        (
            (
                r"(?:estoy|estamos|me siento|ando) (?:muy |super |re |bastante )?(?:bien|"
                r"perfecto|genial|de maravilla|en forma|en buena forma|en buen estado|"
                r"sano|sana|saludable)$"
            ),
            M,
        ),
        (
            (
                r"(?:no|ni) (?:lo |la |los )?(?:necesito|necesitamos|ocupo|ocupamos|"
                r"requiero|hace falta|me hace falta|nos hace falta|quiero|"
                r"queremos) (?:nada|eso|esto|un coach|un entrenador|coaching|ayuda|"
                r"nada de eso|nada asi|nada de esto|ningun|ninguna|ningun programa|"
                r"tu programa|su programa|sus servicios|tus servicios|comprar|contratar|"
                r"nada de nada)?$|no (?:lo|la) (?:necesito|ocupo|quiero)|no me hace falta|"
                r"no nos hace falta|no hace falta"
            ),
            S,
        ),
        (
            (
                r"(?:no me|dejen de|deja de|deje de|dejenme de|no vuelvan a|no vuelvas a|"
                r"no me vuelvan a|no me vuelvas a|no me sigan|no me sigas|"
                r"dejen de estar) (?:llamar|llamen|llames|marcar|marquen|marques|molestar|"
                r"molesten|molestes|escribir|escriban|escribas|hablar|hablen|contactar|"
                r"contacten|insistir|insistan|joder|jodan)(?: mas| otra vez| nunca)?"
            ),
            S,
        ),
        (
            (
                r"(?:borrame|borreme|borrenme|sacame|saqueme|saquenme|quitame|quiteme|"
                r"quitenme|eliminame|eliminen mi numero|borren mi numero|saquen mi numero|"
                r"me borran|me sacan|me quitan) (?:de|del|de la|de su|de tu|"
                r"de sus)? ?(?:lista|listas|base|base de datos|registro|sistema|numero)?|"
                r"de donde sacaron mi numero|como consiguieron mi numero|"
                r"quien les dio mi numero"
            ),
            S,
        ),
        (
            (
                r"(?:dejame|dejeme|dejenme|dejanos) en paz|no (?:me |nos )?molest(?:e|en|"
                r"es)|voy a colgar|le voy a colgar|te voy a colgar|te cuelgo|le cuelgo"
            ),
            S,
        ),
        (
            (
                r"no (?:estoy|estamos|ando|andamos) (?:buscando|en busca de|"
                r"en el mercado de|interesado en|pensando en) (?:nada|eso|esto|un coach|"
                r"un entrenador|coaching|ayuda|nada de eso|nada asi|nada parecido|ningun|"
                r"ninguna)"
            ),
            S,
        ),
        (
            (
                r"no (?:le |lo )?veo (?:la |el |ningun |ninguna )?(?:necesidad|sentido|"
                r"punto|caso|utilidad|razon|chiste)|no tiene (?:sentido|caso|"
                r"chiste) para mi|no le encuentro (?:sentido|utilidad)"
            ),
            S,
        ),
        (
            (
                r"(?:no|nunca) (?:voy a|vamos a|pienso|pensamos|lo voy a|"
                r"lo vamos a) (?:comprar|contratar|pagar|inscribirme|meterme|hacer|"
                r"hacerlo|apuntarme|anotarme)(?: nada| eso| esto| nunca)?$|no va a pasar|"
                r"eso no va a pasar|no (?:hay|existe) manera"
            ),
            S,
        ),
        (
            (
                r"(?:perdida|perder|pierdo|perdiendo) (?:de )?(?:mi |tu |el )?tiempo|"
                r"me (?:estas|esta|estan) haciendo perder (?:el )?tiempo"
            ),
            M,
        ),
        (
            (
                r"(?:ya )?(?:estoy|estamos|ando) (?:en |muy en |super en )?(?:buena forma|"
                r"buen estado|forma|buena condicion|buen estado fisico|en forma)"
            ),
            M,
        ),
        (r"^(?:no|nop|nope|nel|no no|no no no|no gracias|nah)$", M),
        # Curt refusals and regional slang for "no way" (issue 13): Mexico (ni madres,
        # nel pastel), Spain (ni de cona, ni de cachondeo), Rioplatense (ni en pedo, ni
        # ahi), Caribbean (que va, no estoy en eso), Andean (no pe, ni cagando).
        (
            (
                r"ni de cona|ni de cachondeo|ni de cotorra|ni madres|ni maiz|nel pastel|"
                r"ni en pedo|ni ahi|ni cagando|ni a balazos|ni muerto|ni muerta|"
                r"ni por todo el oro del mundo|ni aunque me paguen|ni regalado|"
                r"ni por asomo|ni de vaina|ni pa(?:ra)? atras|"
                r"^(?:no |ay |ah )?que va(?! a\b)|^(?:no |nah |yo )?paso(?: hermano| bro|"
                r" amigo| mi hermano| loco| che| pe| joven)?$|"
                r"no (?:estoy|ando|estamos) en eso|no pe$|^no pe\b|"
                r"^(?:no|nah|nope) (?:sorry|thanks|gracias)?$"
            ),
            S,
        ),
        (
            (
                r"no (?:me |nos )?(?:sirve|aplica|va|llama)(?: para nada)?(?: esto|"
                r" eso)?$|no (?:es|era) lo mio|no me va eso|no me va esto|no va conmigo|"
                r"no es conmigo"
            ),
            M,
        ),
        # Sin necesidad, dicho sin rodeos (TAXONOMY: "not for me, stop calling").
        (
            (
                r"no me importa (?:nada de )?(?:eso|esto|esto del coaching)|"
                r"ni ahora ni nunca|no (?:hago|quiero) coaching|"
                r"no necesito que (?:un extrano|nadie|alguien) me (?:diga|ande diciendo)"
            ),
            S,
        ),
    ),
}

OBJECTION_CANCELS: Final[CancelTable] = {
    "price": (
        (
            rf"no (?:es|seria|fue|era) (?:por|tanto por|solo por|tanto el|el|la|"
            rf"un tema de|tema de|cuestion de|una cuestion de|problema de|nada mas por|"
            rf"solamente por|tanto la|por el tema del|por el tema de la) (?:el |la |"
            rf"lo )?(?:{_MONEY}|precio|costo|coste|economico|pago|valor|inversion)"
        ),
        (
            rf"(?:el |la |lo )?(?:{_MONEY}|precio|costo|coste|economico|pago|valor|"
            rf"inversion) (?:no es|no seria|no fue|no va a ser|nunca ha sido|"
            rf"no representa) (?:el |un |ningun |mayor |tanto )?(?:problema|tema|"
            rf"inconveniente|obstaculo|impedimento|issue|rollo|lio|drama|preocupacion)"
        ),
        (
            r"no me (?:preocupa|importa|asusta|frena|molesta|afecta|"
            r"quita el sueno) (?:el |la |lo del |tanto el |mucho el )?(?:precio|costo|"
            r"coste|dinero|plata|lana|pago|valor|inversion|presupuesto|guita|pasta|"
            r"lo que (?:cuesta|vale|sale|cobran)|cuanto (?:cuesta|vale|sale))"
        ),
        (
            r"(?:si|si me|si lo|lo) (?:puedo|podemos) (?:pagar|pagarlo|costear|"
            r"costearlo|permitir|permitirmelo)|me (?:lo )?puedo permitir|"
            r"si me alcanza|me alcanza bien|tengo (?:el |los )?(?:presupuesto|fondos|"
            r"dinero|recursos)"
        ),
        (
            r"(?:el )?(?:precio|costo|coste|valor) (?:es|esta|me parece|"
            r"se me hace) (?:muy |bastante |super )?(?:bien|bueno|justo|razonable|"
            r"accesible|barato|normal|correcto|aceptable|ok|okay)|(?:es|me parece|"
            r"esta) (?:barato|baratisimo|accesible|razonable|bien de precio|economico)"
        ),
        (
            r"(?:el )?(?:dinero|plata|lana|presupuesto) (?:no es problema|sobra|"
            r"no importa|no falta)|(?:plata|dinero|lana) (?:si )?(?:hay|tengo)"
        ),
        r"(?:dispuesto|dispuesta|listo|lista|feliz) (?:a|de) (?:pagar|invertir|gastar)",
        (
            rf"(?:de |con (?:la |el )?)?{_MONEY} (?:voy|ando|estoy|vamos|andamos|estamos) "
            rf"(?:bien|sobrado|sobrada|tranquilo|tranquila)|(?:lo|el tema|la cuestion) "
            rf"de (?:la |el )?(?:{_MONEY}|precio|costo) no es (?:bronca|problema|tema|"
            rf"rollo|lio|drama|issue)|(?:el |la )?(?:precio|price|costo|cost) (?:es|esta) "
            rf"(?:fine|ok|okay|good|cool|bien)|(?:{_MONEY}|precio|costo) no es (?:el|un|"
            rf"ningun|mi) (?:tema|problema|rollo|lio|issue)"
        ),
    ),
    "time": (
        (
            r"no (?:es|seria|fue|era) (?:por|tanto por|solo por|un tema de|tema de|"
            r"cuestion de|problema de|el|un problema de) (?:el |la )?(?:tiempo|agenda|"
            r"horario|horarios)"
        ),
        (
            r"(?:el )?(?:tiempo|horario|agenda|horarios|schedule) (?:no es|no seria|"
            r"no va a ser|nunca ha sido) (?:el |un |ningun |mayor )?(?:problema|tema|"
            r"inconveniente|obstaculo|impedimento|issue|rollo|lio)"
        ),
        (
            r"no me (?:preocupa|importa|asusta|frena) (?:el |la |lo del )?(?:tiempo|"
            r"horario|agenda|horarios)"
        ),
        (
            r"(?:si|ya) (?:tengo|tenemos|me hago|me doy|hay) (?:el |un |mucho |"
            r"suficiente |bastante )?(?:tiempo|tiempito|rato|espacio)|tiempo (?:si |"
            r"me )?(?:tengo|sobra|hay)|(?:me hago|me doy|saco|sacare|me hare|"
            r"hago) (?:el )?(?:tiempo|tiempito)|tengo (?:tiempo|mucho tiempo|"
            r"bastante tiempo|tiempo libre|tiempo de sobra|tiempo suficiente)|"
            r"tengo la agenda libre|agenda (?:flexible|libre|tranquila)|"
            r"horario flexible"
        ),
        (
            r"(?:horario|agenda|tiempo|tiempito|el tiempo) (?:si |me |lo |la )?(?:tengo|"
            r"sobra|hay|tenemos)|(?:el )?(?:horario|tiempo|schedule|agenda) no es (?:el |"
            r"un |ningun |mi )?(?:tema|problema|rollo|lio|issue|bronca)"
        ),
    ),
    "think_it_over": (
        (
            r"no (?:tengo|hay|necesito|hace falta) (?:nada )?que pensar|"
            r"no (?:lo )?(?:necesito|tengo que) pensar(?:lo)?|no hay nada que pensar|"
            r"ya lo pense|ya lo pensé|ya lo decidi|ya me decidi|ya esta decidido|"
            r"ya lo tengo decidido|lo pense bien"
        ),
        (
            r"(?:quiero|queremos|puedo) (?:empezar|arrancar|comenzar|iniciar) (?:ya|"
            r"hoy|ahora|ahorita|de una|cuanto antes|lo antes posible|ahora mismo)"
        ),
    ),
    "skepticism": (
        (
            r"(?:creo|confio|se) (?:que )?(?:en )?(?:esto|eso|el programa|ustedes|"
            r"el coaching|usted|ti) (?:funciona|funcionara|sirve|me va a servir|"
            r"me va a funcionar|puede funcionar)|(?:estoy|ya estoy) (?:convencido|"
            r"convencida)|me convencio|me convenciste|me convencieron|si creo|"
            r"confio en (?:ustedes|ti|usted|el programa|el proceso)"
        ),
    ),
    "has_alternative": (
        (
            r"(?:no|nunca) (?:tengo|tenemos|he tenido|tuve|uso|voy al|voy a|he ido|"
            r"he usado|he trabajado con|cuento con) (?:un |una |ningun |ninguna |el |"
            r"la |mi )?(?:entrenador|entrenadora|coach|nutriologo|nutriologa|"
            r"nutricionista|gimnasio|gym|programa|app|rutina|membresia|plan|trainer)"
        ),
        (
            r"(?:deje|cancele|abandone|perdi|ya no tengo|ya no voy al|ya no voy a|"
            r"ya no uso|termine con|me sali del|me di de baja del|"
            r"me di de baja de) (?:el |la |mi |los |las )?(?:gimnasio|gym|entrenador|"
            r"entrenadora|coach|membresia|programa|app|rutina|nutriologo|"
            r"nutricionista)|ya no (?:tengo|voy|uso)|(?:antes|antes tenia|tenia|tuve|"
            r"iba) (?:un |una |al |a la )?(?:entrenador|coach|gimnasio|gym)"
        ),
        r"sin (?:entrenador|coach|gimnasio|gym|rutina|plan|programa)",
    ),
    "needs_approval": (
        (
            r"no (?:tengo|necesito|hace falta|hay) que (?:consultarlo|consultar|"
            r"preguntarle|preguntar|hablarlo|pedir permiso|pedirle permiso|"
            r"pedir autorizacion|hablar) (?:con )?(?:nadie|a nadie)?|no (?:necesito|"
            r"ocupo) (?:permiso|aprobacion|autorizacion) (?:de nadie)?|"
            r"sin consultar a nadie"
        ),
        (
            r"(?:la decision|la plata|el dinero|la lana) es (?:mia|solo mia|toda mia)|"
            r"(?:yo|yo solo|yo sola) (?:decido|lo decido|tomo las decisiones|"
            r"manejo mi dinero|manejo mi plata|pago)|decido yo|(?:depende|"
            r"dependo) (?:solo )?de mi|es mi decision|soy (?:yo )?(?:quien|el que|"
            r"la que) decide|(?:mi )?(?:esposa|esposo|senora|marido|mujer|pareja|jefe|"
            r"jefa|doctor|medico)(?: ya)? (?:esta de acuerdo|me apoya|me dijo que si|"
            r"me dio permiso|ya aprobo|me lo recomendo|me insiste|quiere que lo haga|"
            r"me animo|me empuja|esta feliz con)"
        ),
    ),
    "not_interested": (
        # "I'm fine" about money or time sets that concern aside; it is no "I'm fine as I am".
        rf"(?:de |con (?:la |el )?)?(?:{_MONEY}|tiempo|horario) (?:voy|ando|estoy|vamos|andamos|"
        r"estamos) (?:bien|sobrado|sobrada|tranquilo|tranquila)",
        (
            r"(?:si|muy|super|bastante|re|me|nos|estoy|estoy muy|"
            r"sigo) (?:me )?(?:interesa|interesado|interesada|interesados|interesan)|"
            r"me llama (?:mucho )?la atencion|suena (?:interesante|bien|muy bien|"
            r"genial)"
        ),
    ),
}

NEEDS: Final[RuleTable] = {
    "weight_loss": (
        (
            (
                r"(?:el|mi|de|bajar|subir de|problemas de|"
                r"tema del) (?:sobre)?peso(?! (?:mexicano|argentino|colombiano|chileno|"
                r"uruguayo|dominicano))"
            ),
            M,
        ),
        (
            (
                r"(?:vuelva|vuelvan|volver) a (?:quedar|entrar|cerrar) (?:mi |mis |la |"
                r"el |los |las )?(?:ropa|traje|trajes|pantalon|pantalones|jeans|vestido|"
                r"vestidos|camisas|talla)"
            ),
            S,
        ),
        (
            (
                r"(?:bajar|perder|quitarme|quemar) (?:todo )?lo que (?:subi|he subido|"
                r"gane|engorde|aumente|agarre)|lo que (?:subi|engorde|aumente) (?:en|"
                r"durante|con)"
            ),
            S,
        ),
        (
            (
                r"(?:bajar|bajo|bajando|baje|perder|pierdo|perdiendo|rebajar|rebajando|"
                r"quitarme|quitar|eliminar|quemar|quemando|deshacerme de|soltar|tirar|"
                r"reducir|reduciendo|adelgazar|bajarle|bajar unos|"
                r"perder unos) (?:de )?(?:peso|unos kilos|kilos|kilitos|kilos de mas|"
                r"grasa|panza|barriga|pancita|barriguita|tripa|lonja|lonjas|llantitas|"
                r"llantas|rollitos|rollos|michelines|cintura|talla|tallas|unas tallas|"
                r"medidas|volumen|el abdomen|abdomen|grasa abdominal|la panza|la barriga|"
                r"la pancita|la tripa|los kilos|esos kilos|el peso|algo de peso|"
                r"un poco de peso|unos kilitos|[a-z0-9]+ kilos|[a-z0-9]+ kg|"
                r"[a-z0-9]+ libras|libras|pounds|weight)"
            ),
            S,
        ),
        (
            (
                r"(?:adelgazar|adelgazando|bajar de peso|perder peso|bajar peso|"
                r"(?<!tienes que )(?<!tienen que )(?<!me puedes )(?<!me podrias )rebajar|"
                r"rebajando|ponerme flaco|ponerme flaca|estar mas flaco|estar mas flaca|"
                r"estar delgado|estar delgada|ponerme delgado|ponerme delgada|"
                r"verme mas delgado|verme mas delgada|weight loss|lose weight|"
                r"definir y bajar|secarme|bajar la panza|bajar la barriga|"
                r"bajar la pancita)"
            ),
            S,
        ),
        (
            (
                r"(?:sobrepeso|obesidad|obeso|obesa|gordito|gordita|"
                r"(?<!mi )(?<!la )(?<!el )gordo|(?<!mi )(?<!la )(?<!el )gorda|gordura|"
                r"relleno|rellenito|rellenita|pasado de peso|pasada de peso|"
                r"pasado de kilos|panzon|panzona|barrigon|barrigona|imc|indice de masa|"
                r"kilos de mas|kilitos de mas|unos kilos de mas)"
            ),
            S,
        ),
        (
            (
                r"(?:subi|he subido|aumente|he aumentado|gane|he ganado|agarre|"
                r"he agarrado|me subieron|me sobran|tengo de mas|estoy subiendo|"
                r"sigo subiendo) (?:de peso|[a-z0-9]+ kilos|unos kilos|kilos|peso|panza|"
                r"barriga|unos kilitos)|engorde|he engordado|engordando|subiendo de peso"
            ),
            S,
        ),
        (
            (
                r"(?:la|mi|esta|una) (?:panza|barriga|pancita|barriguita|tripa|lonja|"
                r"llantita|llantitas|pansa|guata|chela panza|panza chelera)"
            ),
            S,
        ),
        (
            (
                r"(?:no me (?:queda|quedan|cierra|cierran|entra|entran|abrocha|abrochan|"
                r"suben|sube)|ya no me (?:queda|quedan|cierra|cierran|entra|entran|"
                r"abrocha|abrochan)|me aprieta|me aprietan) (?:la |el |los |las |mi |"
                r"mis )?(?:ropa|pantalon|pantalones|traje|trajes|camisa|camisas|vestido|"
                r"vestidos|jeans|vaqueros|talla)"
            ),
            S,
        ),
        (
            (
                r"(?:estoy|me siento|me veo|ando|estoy muy|me puse|me he puesto) (?:muy |"
                r"bien |super |re |un poco |algo |medio |bastante |mas )?(?:gordo|gorda|"
                r"pesado|pesada|gordito|gordita|hinchado|hinchada|inflado|inflada|"
                r"fuera de forma|fofo|fofa|panzon|panzona|grande|ancho|ancha|redondo|"
                r"redonda|relleno|rellena)"
            ),
            M,
        ),
        (
            (
                r"(?:kilos|bascula|dieta|calorias|deficit calorico|ayuno intermitente|"
                r"keto|comer menos|cenar menos|ansiedad por comer|picoteo|"
                r"pico entre comidas)"
            ),
            W,
        ),
    ),
    "muscle_gain": (
        (
            (
                r"(?:ganar|gano|ganando|aumentar|aumentando|subir|subiendo|hacer|"
                r"construir|desarrollar|meter|meterle|poner|ponerme|agarrar|recuperar|"
                r"mantener|tener mas|mas|echar|sacar) (?:de )?(?:musculo|musculos|"
                r"masa muscular|masa|fuerza|volumen|musculatura|tono muscular|tono|brazos|"
                r"pecho|espalda ancha|piernas|gluteos)"
            ),
            S,
        ),
        (
            (
                r"(?:ponerme|estar|verme|quedar|sentirme|ser) (?:mas )?(?:fuerte|fuertes|"
                r"marcado|marcada|mamado|mamada|mamadisimo|cuadrado|cuadrada|tonificado|"
                r"tonificada|musculoso|musculosa|mazado|mazada|fibrado|fibrada|trabado|"
                r"trabada|macizo|maciza|definido|definida|en forma y fuerte|tallado|"
                r"tallada|petado|petada)"
            ),
            S,
        ),
        (
            (
                r"(?:marcar (?:el |los |la )?(?:abdomen|abdominales|cuadritos|brazos|"
                r"musculos|cuerpo|six pack|pecho|piernas)|tonificar|tonificarme|"
                r"tonificado|tonificada|tonificacion|marcarme|definirme|definicion|"
                r"abdominales|cuadritos|six pack|sixpack|six-pack|gluteos|pompas|biceps|"
                r"brazos|hipertrofia|fisicoculturismo|culturismo|pesas|levantar pesas|"
                r"hacer pesas|fierros|hierros|mancuernas)"
            ),
            M,
        ),
        (r"(?:fuerza|musculo|musculos|muscular|masa muscular|mas fuerte)", W),
        (
            (
                r"(?:perdiendo|pierdo|perdi|he perdido) (?:musculo|masa muscular|fuerza|"
                r"masa)|sarcopenia|(?:estoy|me siento|me veo|soy) (?:muy |super |re |"
                r"bien |demasiado )?(?:flaco|flaca|debil|delgado|delgada|flacucho|"
                r"flacucha|esqueletico|sin fuerza|fofo|fofa|enclenque|canijo)"
            ),
            M,
        ),
    ),
    "health": (
        (
            (
                r"(?:presion alta|presion arterial|hipertension|hipertenso|hipertensa|"
                r"colesterol|trigliceridos|glucosa|azucar alta|azucar en la sangre|"
                r"el azucar|azucar|diabetes|diabetico|diabetica|prediabetes|prediabetico|"
                r"prediabetica|pre diabetes|insulina|resistencia a la insulina|"
                r"higado graso|el corazon|del corazon|cardiaco|cardiaca|infarto|"
                r"cardiovascular|colesterol alto|analisis de sangre|estudios de sangre|"
                r"laboratorios|los laboratorios|mis analisis|chequeo|chequeo medico|"
                r"revision medica|check up|marcadores|pastillas|medicamento|medicamentos|"
                r"medicinas|apnea|longevidad|vivir mas|vivir mas anos|envejecer bien|"
                r"envejecer mejor|antecedentes|viene de familia|hereditario|cancer|"
                r"derrame|acido urico|gota|tiroides|hormonas|hormonal|testosterona|"
                r"menopausia|perimenopausia|osteoporosis|densidad osea|rinones|rinon|"
                r"arterias|inflamacion|gastritis|colitis|reflujo|digestion|cardiologo|"
                r"endocrinologo|endocrino|asma)"
            ),
            S,
        ),
        (
            (
                r"(?:el medico|mi medico|el doctor|mi doctor|la doctora|mi doctora|el doc|"
                r"el cardiologo|mi cardiologo|el endocrino|mi endocrino) (?:me )?(?:dijo|"
                r"dice|advirtio|recomendo|mando|pidio|sugirio|asusto|regano|"
                r"esta preocupado|quiere que)"
            ),
            S,
        ),
        (
            (
                r"(?:estar|ser|vivir|comer|sentirme|verme|ponerme|llevar una vida|"
                r"tener una vida|estilo de vida|mas|muy|vida) (?:mas )?(?:sano|sana|"
                r"saludable|saludables|sanos)|(?:mi|la|nuestra|mejorar mi|cuidar mi|"
                r"cuidar la|por mi|por la|para mi|tema de|temas de|problemas de|"
                r"un susto de) (?:salud)|(?:salud|saludable|sano|sana)"
            ),
            S,
        ),
        (
            (
                r"(?:ver crecer a mis|estar para mis|acompanar a mis|disfrutar a mis|"
                r"conocer a mis) (?:hijos|nietos|ninos|chicos|chamacos)|(?:vivir|durar|"
                r"estar) (?:muchos anos|mas anos|mas tiempo|bien de viejo|bien de vieja)"
            ),
            S,
        ),
        (r"(?:metabolismo|metabolico|metabolica|(?<!programa de )bienestar)", W),
    ),
    "stress": (
        (r"stressed|stress|burned out|burnt out|anxious|anxiety|overwhelmed", S),
        (
            (
                r"(?:estres|estresado|estresada|estresados|estresante|estresa|estresarme|"
                r"estresando|ansiedad|ansioso|ansiosa|angustia|angustiado|angustiada|"
                r"agobio|agobiado|agobiada|agobiante|burnout|burn out|quemado|quemada|"
                r"reventado mentalmente|saturado mentalmente|saturada mentalmente|"
                r"desbordado|desbordada|colapsado|colapsada|nervios|nervioso|nerviosa|"
                r"ataques de panico|ataque de panico|panico|depresion|deprimido|deprimida|"
                r"bajon|bajoneado|bajoneada|insomnio|no duermo|no puedo dormir|duermo mal|"
                r"duermo poco|duermo fatal|duermo pesimo|no descanso|descanso mal|"
                r"me cuesta dormir|me cuesta dormirme|me despierto|despertarme a las|"
                r"dormir mejor|dormir bien|calidad de sueno|problemas de sueno|"
                r"desconectar|desconectarme|no puedo desconectar|no logro desconectar|"
                r"no me desconecto|relajarme|relajarme un poco|calmarme|tranquilizarme|"
                r"salud mental|cabeza a mil|mente a mil|la cabeza no para|"
                r"no paro de pensar|presion en el trabajo|mucha presion|bajo presion|"
                r"bajo mucha presion|tension|tenso|tensa|irritable|de mal humor|mal humor|"
                r"malhumorado|malhumorada|me enojo|exploto|cortisol|equilibrio|"
                r"balance vida trabajo|equilibrio entre|meditacion|meditar|mindfulness|"
                r"paz mental|estresadisimo|estresadisima|stress|estresao|quemao|rayado|"
                r"rayada|de los nervios|con los nervios|nervios de punta|al borde|"
                r"no pego (?:un |el )?ojo|sin pegar (?:un |el )?ojo|no (?:logro|puedo) "
                r"pegar (?:un |el )?ojo|no he dormido bien|no duermo nada|casi no duermo|"
                r"duermo (?:cuatro|tres|cinco|dos) horas)"
            ),
            S,
        ),
        (
            (
                r"(?:dormir|duermo|descansar|descanso|"
                r"(?<!apnea del )(?<!caigo de )(?<!da )sueno|desestresarme|desestresar|"
                r"distraerme|despejarme|despejar la mente|despejar la cabeza|mi cabeza|"
                r"emocional|emocionalmente|animo|mental|mentalmente)"
            ),
            W,
        ),
    ),
    "energy": (
        (
            (
                r"(?:depender|dependo|dependiendo|vivir|vivo|funcionar|funciono) (?:del|"
                r"de|a base de|con) (?:cafe|cafeina|bebidas energeticas|red bull|azucar|"
                r"siestas|energeticas)"
            ),
            S,
        ),
        (r"cabeza nublada|mente nublada|nublado|nublada|embotado|embotada|aturdido|aturdida", S),
        (
            (
                r"(?:energia|energetico|energetica|cansado(?! de)|cansada(?! de)|"
                r"cansados(?! de)|cansancio|cansadisimo|cansadisima|agotado|agotada|"
                r"agotamiento|fatiga|fatigado|fatigada|sin pilas|sin fuerzas|sin ganas|"
                r"sin energia|sin animo|muerto|muerta|reventado|reventada|molido|molida|"
                r"hecho polvo|hecha polvo|baja de energia|bajon de energia|"
                r"bajon en la tarde|me caigo de sueno|me da sueno|me duermo en|"
                r"me quedo dormido|me quedo dormida|somnoliento|somnolienta|aletargado|"
                r"aletargada|rendir|rendimiento|rindo|rinda|concentrarme|concentrar|"
                r"concentro|concentracion|enfocarme|foco|productividad|productivo|"
                r"productiva|niebla mental|mente nublada|vitalidad|vigor|aguante|"
                r"resistencia|estamina|pilas|arrastrando|arrastrarme|me arrastro|"
                r"a media maquina|a medio gas|a medio tanque|sin gasolina|"
                r"cafe para funcionar|mucho cafe|tres cafes|cuatro cafes|cinco cafes|"
                r"red bull|bebidas energeticas|siesta|siestas|fundido|fundida|frito|frita|"
                r"tired|energy|exhausted|lucidez|claridad mental|desempeno|desempenarme)"
            ),
            S,
        ),
        (
            (
                r"(?:seguirle el ritmo a|aguantarle el ritmo a|jugar con|"
                r"seguir el paso de) (?:mis |los )?(?:hijos|ninos|chicos|nietos|chamacos|"
                r"pibes|cabros|equipo)"
            ),
            S,
        ),
        (
            (
                r"(?:no me da|no aguanto|no rindo|no llego|no alcanzo a) (?:el cuerpo|mas|"
                r"igual|como antes|al final del dia|hasta la tarde|la tarde)"
            ),
            S,
        ),
    ),
    "event_prep": (
        (
            (
                r"(?:boda|casamiento|casorio|mi boda|la boda|luna de miel|maraton|"
                r"medio maraton|media maraton|triatlon|ironman|carrera de|una carrera|"
                r"la carrera|10k|5k|diez k|cinco k|21k|42k|competencia|competicion|torneo|"
                r"campeonato|reunion de exalumnos|reencuentro|sesion de fotos|"
                r"sesion fotografica|quince anos|quinceanera|xv anos|graduacion|"
                r"mi graduacion|despedida de soltero|despedida de soltera|crucero|"
                r"viaje a la playa|viaje de|vacaciones en|temporada de playa|"
                r"operacion bikini|operacion verano|bikini|traje de bano|fiesta de|"
                r"cumpleanos|mi cumple|los cuarenta|los cincuenta|los sesenta|"
                r"mis cuarenta|mis cincuenta|el gran dia|evento|caminata|expedicion|"
                r"camino de santiago|trekking|pelea|combate|pasarela|concurso|certamen|"
                r"prueba fisica|examen fisico|oposiciones)"
            ),
            M,
        ),
        (
            (
                r"(?:para|antes de|antes del|antes de la|de cara a|preparar(?:me)? para|"
                r"prepararme para|prepararnos para|entrenar para|entrenando para|"
                r"llegar bien a|llegar en forma a|estar listo para|estar lista para|"
                r"verme bien en|verme bien para|lucir bien en|"
                r"ponerme en forma para) (?:mi |la |el |una |un |nuestra |nuestro |las |"
                r"los |mis |esa |ese |esta |este )?(?:[a-z]+ )?(?:boda|casamiento|viaje|"
                r"vacaciones|carrera|maraton|triatlon|competencia|torneo|evento|playa|"
                r"verano|crucero|fiesta|cumpleanos|cumple|graduacion|sesion de fotos|"
                r"reunion|quince|xv|temporada|luna de miel|despedida|caminata|expedicion|"
                r"pelea|concurso|diciembre|navidad|ano nuevo|semana santa|las fiestas|"
                r"fotos)"
            ),
            S,
        ),
        (
            (
                r"(?:me caso|nos casamos|me voy a casar|nos vamos a casar|se casa mi|"
                r"se casa mi hija|se casa mi hijo|la boda de mi|boda de mi|voy a correr|"
                r"me inscribi a una carrera|me inscribi en una carrera|"
                r"me inscribi al maraton|me inscribi en el maraton|voy a competir|"
                r"compito en|tengo una carrera|tengo un maraton|tengo una competencia|"
                r"tengo un torneo|tengo una boda|tengo boda)"
            ),
            S,
        ),
        (
            (
                r"(?:me voy|nos vamos|voy|vamos|me ire|nos iremos) de (?:vacaciones|viaje|"
                r"crucero|luna de miel)"
            ),
            M,
        ),
        (
            (
                r"verme (?:bien|mejor|flaco|flaca|delgado|delgada|en forma) (?:en|"
                r"para) (?:la playa|el viaje|las vacaciones|la boda|las fotos|el evento|"
                r"mi cumple|mi cumpleanos|el crucero|la fiesta|diciembre|el verano)"
            ),
            S,
        ),
        (
            (
                r"(?:en|dentro de|faltan|quedan|me quedan|solo|solo me quedan|"
                r"nada mas) (?:[a-z0-9]+ )?(?:semanas|meses|dias)(?: para| antes| y)"
            ),
            M,
        ),
    ),
    "rehab": (
        (
            (
                r"(?:me dio|me dieron|me dan|me dio el fisio|me dio el medico) de alta|"
                r"dado de alta|dada de alta|volver a entrenar despues"
            ),
            M,
        ),
        (
            (
                r"(?:lesion|lesiones|lesionado|lesionada|lesione|me lesione|me lastime|"
                r"lastimado|lastimada|operacion|operaron|me operaron|operado|operada|"
                r"cirugia|cirugias|post operatorio|postoperatorio|rehabilitacion|"
                r"rehabilitarme|rehabilitar|rehab|fisioterapia|fisioterapeuta|"
                r"terapia fisica|kinesiologo|kinesiologia|kine|quiropractico|esguince|"
                r"desgarro|me desgarre|fractura|fracture|me fracture|me rompi|me quebre|"
                r"rotura|ligamento|ligamentos|ligamento cruzado|menisco|meniscos|hernia|"
                r"hernia de disco|hernias|ciatica|artritis|artrosis|tendinitis|"
                r"tendinopatia|fascitis|manguito rotador|protesis|reemplazo de rodilla|"
                r"reemplazo de cadera|postparto|post parto|despues del parto|"
                r"despues de tener|despues del embarazo|despues de dar a luz|tuve un bebe|"
                r"tuve a mi bebe|di a luz|cesarea|diastasis|dolor de espalda|"
                r"dolor de rodilla|dolor de rodillas|dolor de cuello|dolor de hombro|"
                r"dolor de cadera|dolor lumbar|lumbalgia|lumbago|dolor cronico|dolores|"
                r"dolor|me duele|me duelen|molestia en|molestias en|la espalda baja|"
                r"la zona lumbar|lumbar|cervical|cervicales|columna|escoliosis|"
                r"recuperarme de|recuperacion de|recuperandome de|me estoy recuperando|"
                r"rehabilitandome|injury|surgery|back pain|knee pain)"
            ),
            S,
        ),
        (
            (
                r"(?:rodilla|rodillas|espalda|hombro|hombros|cadera|tobillo|tobillos|"
                r"(?<!hasta el )cuello|muneca|codo|articulaciones|articulacion|"
                r"recuperarme|recuperacion|movilidad|rigidez|contractura|contracturas|"
                r"cojeo|cojera|muletas|baston|faja|accidente)"
            ),
            M,
        ),
    ),
}

NEED_CANCELS: Final[CancelTable] = {
    "weight_loss": (
        (
            r"(?:el |mi )?peso (?:esta|lo tengo|es) (?:bien|perfecto|normal|ok)|"
            r"no (?:necesito|quiero|busco|tengo que) (?:bajar|perder|"
            r"adelgazar) (?:de )?(?:peso|kilos|nada)?|no (?:es|se trata de) (?:bajar|"
            r"perder|adelgazar)"
        ),
        r"(?:ya )?(?:estoy|soy|ando) (?:muy |demasiado |ya )?grande para",
    ),
    "health": (
        (
            r"(?:mi )?(?:salud|presion|colesterol|azucar|analisis|estudios)(?: esta|"
            r" estan| la tengo| lo tengo| los tengo)? (?:perfecto|perfecta|perfectos|"
            r"bien|normal|normales|excelente|excelentes)(?!\w)"
        ),
    ),
    "stress": (
        (
            r"no (?:estoy|me siento|ando) (?:estresado|estresada|ansioso|ansiosa|"
            r"agobiado|agobiada)|duermo (?:bien|perfecto|como un bebe|de maravilla)"
        ),
    ),
    "energy": (
        (
            r"(?:la |mi )?energia (?:esta|la tengo|es) (?:bien|perfecta|alta|buena)|"
            r"no (?:estoy|me siento|ando) (?:cansado|cansada|agotado|agotada)"
        ),
    ),
    "rehab": (
        (
            r"(?:espalda|rodilla|rodillas|hombro|cadera|lesion|tobillo|"
            r"cuello)(?: ya)? (?:esta|estan|quedo|quedaron) (?:bien|mejor|perfecta|"
            r"perfecto|recuperada|recuperado|sana|sano|al cien)"
        ),
        (
            r"(?:no|nunca) (?:tengo|he tenido|tuve) (?:ninguna |ningun )?(?:lesion|"
            r"lesiones|dolor|dolores|operacion|operaciones|cirugia|"
            r"problemas de espalda|problemas de rodilla)|sin (?:lesiones|dolor|"
            r"dolores)"
        ),
    ),
}

BUYING: Final[RuleTable] = {
    "buying_signal": (
        (
            (
                r"^(?:si |dale |ok |okay |sale |va |listo |perfecto |bueno |"
                r"entonces )?(?:reservalo|reservala|agendalo|agendala|apartalo|apartala|"
                r"reservame|agendame|apuntame|anotame|inscribeme)(?: por favor| entonces|"
                r" pues| ya)?$"
            ),
            S,
        ),
        (
            (
                r"no (?:lo )?(?:tengo|necesito) (?:nada )?que pensar(?:lo)?|"
                r"no hay nada que pensar|ya (?:lo )?(?:decidi|pense)|ya me decidi|"
                r"ya estoy decidido|ya estoy decidida"
            ),
            M,
        ),
        (
            (
                r"(?:hacer|hago|hacemos) (?:el |mi )?(?:sign up|signup|registro|pago|"
                r"deposito|onboarding|inscripcion)|(?:hoy mismo|ahora mismo|"
                r"de una vez) (?:empiezo|me inscribo|pago|arrancamos|empezamos)"
            ),
            S,
        ),
        (
            (
                r"(?:como|donde|cuando|que tengo que hacer para|que hago para|"
                r"que necesito para|que se necesita para|como hago para|como le hago para|"
                r"como seria para|cual es el proceso para|como es el proceso para|"
                r"que sigue para|como podemos|como puedo|donde puedo|por donde) (?:me |"
                r"le |lo |nos |yo )?(?:inscribo|inscribirme|inscribir|registro|"
                r"registrarme|registrar|apunto|apuntarme|anoto|anotarme|pago|pagar|"
                r"pagarlo|empiezo|empezar|empezamos|arranco|arrancar|arrancamos|comienzo|"
                r"comenzar|comenzamos|inicio|iniciar|iniciamos|contrato|contratar|"
                r"contratarlo|compro|comprar|comprarlo|suscribo|suscribirme|uno|unirme|"
                r"firmo|firmar|agendo|agendar|reservo|reservar|le hago|hago el pago|"
                r"hago para empezar|entro|entrar|me sumo|sumarme|adquiero|adquirir|"
                r"lo adquiero|lo pago|lo contrato|lo compro|le entro|le entramos|procedo|"
                r"proceder|empiezo yo|arranco yo|deposito|depositar|transfiero|transferir|"
                r"sign up)"
            ),
            S,
        ),
        (
            (
                r"(?:cuando|que dia|a partir de cuando|desde cuando|que tan pronto|"
                r"para cuando) (?:empezaria|empezariamos|arrancaria|arrancariamos|empiezo|"
                r"empezamos|arranco|arrancamos|comienzo|comenzamos|inicio|iniciamos|"
                r"empiezan|arrancan)"
            ),
            S,
        ),
        (
            (
                r"(?:cuando|que dia|a partir de cuando|desde cuando|que tan pronto|"
                r"para cuando) (?:puedo|podemos|podria|podriamos|seria|es|"
                r"sería) (?:empezar|arrancar|comenzar|iniciar|la primera|el primer|"
                r"la primer|mi primera|mi primer|tener la primera|tener mi primera|"
                r"el inicio|el arranque)"
            ),
            S,
        ),
        (
            (
                r"(?:dale|va|sale|vale|ok|okay|listo|perfecto|bueno|bien|de acuerdo|orale|"
                r"sale y vale|claro|por supuesto|si|si si|va que va|bacano|chevere|genial|"
                r"excelente|me parece|me parece bien|me parece perfecto|de una|hecho|"
                r"trato hecho|adelante|buenisimo|joya|barbaro|re bien) (?:hagamoslo|vamos|"
                r"vamos con todo|vamos a hacerlo|empecemos|arranquemos|comencemos|"
                r"lo hacemos|le entramos|le damos|me apunto|me anoto|me inscribo|"
                r"quiero empezar|quiero hacerlo|agendamos|agendemos|agendala|agendame|"
                r"reservame|anotame|apuntame|inscribeme|lo tomo|la tomo|lo quiero|"
                r"me lo quedo|lo compro|lo contrato|me sumo|entro|yo me apunto|"
                r"vamos adelante|adelante|quiero la prueba|quiero probar|probemos|"
                r"hagamos la prueba|hagamos la llamada|mandame el link|pasame el link|"
                r"pasame los datos|mandame los datos|como pago|donde pago|"
                r"cuando empezamos|cuando arrancamos)"
            ),
            S,
        ),
        (
            (
                r"hagamoslo|empecemos|arranquemos|comencemos|le entramos|le entro|"
                r"me apunto|me anoto|me inscribo|me sumo|yo me apunto|yo me anoto|me uno|"
                r"cuenta conmigo|cuentan conmigo|anotame|apuntame|inscribeme|inscribanme|"
                r"anotenme|apuntenme|registrame|registrenme|agendame|agendenme|reservame|"
                r"resérvame|separame|apartame|me lo quedo|lo tomo(?! en cuenta)|la tomo|"
                r"lo compro|lo contrato|lo quiero(?! (?:pensar|ver|revisar|consultar|"
                r"hablar|checar|analizar|meditar|platicar))|me convenciste|me convencio|"
                r"me convencieron|trato hecho|cerramos trato|cerremos|vamos con todo|"
                r"vamos adelante|vamos con eso|adelante con|de una$|^de una|"
                r"de una vez (?:empezamos|arrancamos|me inscribo|me apunto|pago)|"
                r"sale y vale|va que va|me late|me encanta la idea|^hecho$|^ya esta$|"
                r"me vendiste|^vendido$|^vendida$"
            ),
            S,
        ),
        (
            (
                r"^(?:dale|va|sale|vale|listo|orale|okay dale|ok dale|si dale|dale dale|"
                r"dale si|va va|sale pues|va pues|dale pues|si va|si sale|okay va|"
                r"okay sale|okay vale|si vale|vale vale|de acuerdo|perfecto|excelente|"
                r"genial|bacano|chevere|joya|barbaro|buenisimo|claro que si|por supuesto|"
                r"si claro|claro|si si|si por favor|obvio|obvio que si|de una)$"
            ),
            M,
        ),
        (
            (
                r"(?:^|\bokay |\bsi |\bbueno |\bclaro |\bperfecto |\bvale |"
                r"\bdale )(?:dale|va|sale|vale|listo|orale)(?: pues| entonces| va| dale|"
                r" hagamoslo| vamos| perfecto| me parece| si| gracias)?$"
            ),
            M,
        ),
        (
            (
                r"(?:quiero|quisiera|queremos|me gustaria|nos gustaria|voy a|vamos a|"
                r"estoy listo para|estoy lista para|estoy listo para|estamos listos para|"
                r"me animo a|me decido a|me decidi a|decidi|ya decidi|estoy decidido a|"
                r"estoy decidida a|quiero ya|me interesa) (?:empezar|arrancar|comenzar|"
                r"iniciar|inscribirme|registrarme|apuntarme|anotarme|contratar|"
                r"contratarlo|contratarte|contratarlos|comprar|comprarlo|pagar|pagarlo|"
                r"entrarle|unirme|sumarme|hacerlo|probar|probarlo|la prueba|el programa|"
                r"la llamada|agendar|reservar|tomar el programa|tomar la prueba|tomarlo|"
                r"el plan|el paquete|hacer la prueba|hacer el programa|firmar|suscribirme|"
                r"hacer el pago|dar el paso|iniciar ya|empezar ya|empezar hoy|"
                r"empezar el lunes|empezar manana|empezar cuanto antes|con ustedes|"
                r"con el programa|sign up)"
            ),
            S,
        ),
        (
            (
                r"(?:aceptan|acepta|aceptas|reciben|recibe|puedo pagar|se puede pagar|"
                r"pago con|puedo pagar con|se paga con|como se paga|formas de pago|"
                r"metodos de pago|medios de pago|puedo usar|tomas|toman|cobran|cobras|"
                r"cobra) (?:con |por |en )?(?:tarjeta|tarjetas|credito|debito|"
                r"tarjeta de credito|tarjeta de debito|transferencia|deposito|efectivo|"
                r"paypal|mercado pago|mercadopago|oxxo|bizum|nequi|daviplata|yape|plin|"
                r"visa|mastercard|amex|cuotas|meses sin intereses|msi|plazos|pagos|"
                r"mensualidades|a meses|en cuotas|en pagos|contado|pse|zelle|sinpe|spei)|"
                r"formas de pago|metodos de pago|medios de pago|como se paga"
            ),
            S,
        ),
        (
            (
                r"(?:mandame|mandeme|mandenme|pasame|paseme|pasenme|enviame|envieme|"
                r"envienme|me mandas|me manda|me pasas|me pasa|me envias|me envia|"
                r"me puedes mandar|me puede mandar|me puedes pasar|me puede pasar|dame|"
                r"deme|denme|me das|me da) (?:el |la |los |las |tu |su )?(?:link|liga|"
                r"enlace|link de pago|liga de pago|enlace de pago|datos bancarios|"
                r"datos para pagar|datos para el pago|datos para la transferencia|"
                r"numero de cuenta|cuenta|clabe|cbu|alias|contrato|formulario|"
                r"formulario de inscripcion|link de inscripcion|link para inscribirme|"
                r"link para pagar|link para agendar|factura|recibo|datos de pago|"
                r"datos de la cuenta|calendario|agenda|horarios disponibles)"
            ),
            S,
        ),
        (
            (
                r"(?:datos|numero de cuenta|cuenta|clabe|cbu|alias|cvu) (?:para|"
                r"de) (?:transferir|transferirte|transferirles|depositar|depositarte|"
                r"pagar|pagarte|pagarles|el pago|la transferencia|el deposito)"
            ),
            S,
        ),
        (
            (
                r"(?:pasame|mandame|dame|te paso|le paso|ahi te va|te doy|le doy|"
                r"aqui esta|aqui tienes|anota) (?:mi|los datos de mi|"
                r"el numero de mi) (?:tarjeta|numero de tarjeta|datos|correo|email|mail)|"
                r"te paso mi tarjeta|le paso mi tarjeta"
            ),
            S,
        ),
        (
            (
                r"(?:agendemos|agendamos|agenda|agendar|agendame|agendalo|agendala|"
                r"reservemos|reservamos|reserva|reservar|reservame|apartemos|apartamos|"
                r"aparta|apartame|separemos|separa|separame|programemos|programamos|"
                r"cuadremos|cuadramos|cuadrar|fijemos|fijamos|fija|pongamos|ponme|ponle|"
                r"coordinemos|coordinamos|armemos|hagamos|quiero|podemos hacer|tomemos|"
                r"quiero tomar|puedo tomar) (?:la |una |el |un |mi |esa |ese |lo de la |"
                r"lo de el )?(?:llamada|cita|sesion|prueba|clase|consulta|evaluacion|"
                r"valoracion|reunion|junta|primera sesion|primera clase|prueba gratis|"
                r"prueba gratuita|sesion de prueba|clase de prueba|semana de prueba|"
                r"periodo de prueba|llamada de descubrimiento|asesoria|videollamada|call|"
                r"trial|fecha|horario|hora|dia|inicio|arranque)"
            ),
            S,
        ),
        (
            (
                r"(?:que|cuales|cual|que otros) (?:dias|horarios|horas|fechas|espacios|"
                r"lugares|turnos) (?:tienes|tienen|tiene|hay|quedan|tenes|manejan|manejas|"
                r"estan disponibles|tienen disponibles|tienes libre|tienen libres)|(?:te|"
                r"le|les) (?:queda|sirve|funciona|viene bien|late|acomoda|"
                r"parece) (?:el )?(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|"
                r"manana|pasado manana|la semana que viene|esta semana|en la manana|"
                r"en la tarde|a las)|(?:el )?(?:lunes|martes|miercoles|jueves|viernes|"
                r"sabado|domingo|manana) (?:a las [a-z0-9]+ )?(?:te|le|les)? ?(?:queda|"
                r"sirve|funciona|viene bien|va bien|esta bien|puedo|podemos)"
            ),
            S,
        ),
        (
            (
                r"(?:cuales|que|cual es|cuales son) (?:son )?(?:el |"
                r"los )?(?:siguientes pasos|proximos pasos|siguiente paso|proximo paso|"
                r"pasos a seguir)|(?:y )?que sigue$|ahora que sigue|que seguiria|"
                r"que hacemos ahora|que tengo que hacer ahora|que necesitas de mi|"
                r"que necesitan de mi|que ocupas de mi|que ocupan de mi|como seguimos|"
                r"como procedemos|que procede"
            ),
            S,
        ),
        (
            (
                r"(?:hay|tienen|manejan|dan|ofrecen|se puede|puedo|puedo hacerlo|"
                r"puedo pagarlo|se puede pagar|puedo pagar) (?:pagos |pago |"
                r"opcion de pago |opciones de pago |la opcion de pagar )?(?:a |en |"
                r"con )?(?:meses sin intereses|msi|cuotas|cuotas sin interes|"
                r"plan de pagos|pagos mensuales|mensualidades|pago mensual|financiamiento|"
                r"financiacion|facilidades de pago|pagar por mes|pago en cuotas|a plazos|"
                r"pagos diferidos|a meses|diferido)"
            ),
            M,
        ),
        (
            (
                r"(?:cuanto|cuando|como) (?:es|seria|se hace|hago|debo|tengo que hacer|"
                r"se paga|pago|cobran|me cobran|me cobras|cargan|me cargan) (?:el |"
                r"la )?(?:primer pago|primera cuota|primera mensualidad|anticipo|deposito|"
                r"enganche|seña|sena|inscripcion|matricula|el pago|pago inicial)"
            ),
            S,
        ),
        (
            (
                r"(?:me suena|suena|me parece|me late|se oye|pinta|se ve) (?:bien|"
                r"muy bien|genial|perfecto|buenisimo|bacano|chevere|interesante|excelente|"
                r"super|padre|padrisimo|chido|bien padre|re bien|barbaro|joya|brutal|"
                r"justo|razonable|logico)(?! pero)|(?:esta|es) (?:perfecto|justo lo que|"
                r"lo que necesito|lo que busco|lo que buscaba)|(?:por que no|porque no)$|"
                r"me gusta (?:la idea|eso|mucho|lo que|como suena)"
            ),
            W,
        ),
        (
            (
                r"(?:si|claro|claro que si|por supuesto|obvio|bueno|ok|okay|dale|va|sale|"
                r"vale|perfecto|listo) (?:lo quiero|la quiero|acepto|aceptamos|la llamada|"
                r"la prueba|a la prueba|a la llamada|agendemos|reservemos|hagamos|"
                r"quiero empezar|quiero la prueba|quiero inscribirme|quiero el programa|"
                r"quiero probar|me gustaria empezar|me gustaria probar)"
            ),
            S,
        ),
        (r"(?:si|claro|claro que si|por supuesto|obvio) (?:me interesa|nos interesa)$", M),
        (
            (
                r"(?:acepto|aceptamos|acepta|aceptare) (?:la |el |tu |su )?(?:prueba|"
                r"oferta|propuesta|llamada|cita|programa|plan|trial|trato|descuento)|"
                r"(?:trato hecho|tenemos un trato|hay trato|cerrado)"
            ),
            S,
        ),
        (
            (
                r"(?:a partir del?|desde el|el proximo|este|el) (?:lunes|martes|miercoles|"
                r"jueves|viernes|sabado|domingo|proximo lunes|primero|1 de) (?:empiezo|"
                r"empezamos|arranco|arrancamos|comienzo|comenzamos|inicio|iniciamos|estoy|"
                r"estoy listo|estoy lista)|(?:empiezo|empezamos|arranco|arrancamos|"
                r"comienzo|comenzamos|inicio|iniciamos) (?:el lunes|el martes|manana|hoy|"
                r"ya|ahorita|esta semana|la semana que viene|la proxima semana|de una|"
                r"ahora mismo|lo antes posible|cuanto antes)"
            ),
            S,
        ),
        (
            (
                r"lets do it|sign me up|let s do it|count me in|im in$|how do i pay|"
                r"how do i sign up|when can we start|when do we start|send me the link|"
                r"where do i sign|^deal$|es un deal|trato"
            ),
            S,
        ),
        (
            (
                r"(?:estoy|estamos) (?:listo|lista|listos|listas|dentro|adentro|ready|"
                r"decidido|decidida|convencido|convencida|a bordo|"
                r"en el barco)(?! (?:para pensar))"
            ),
            M,
        ),
    ),
}

BUYING_CANCELS: Final[tuple[str, ...]] = (
    (
        r"(?:antes de|hasta que|hasta no|sin antes) (?:me |nos |lo |la |yo |"
        r"te )?(?:inscriba|inscribo|inscribirme|registrarme|apuntarme|anotarme|"
        r"pague|pagar|pagarlo|pago|empezar|empiece|empezamos|arrancar|arranque|"
        r"comprar|compre|contratar|contrate|decidir|decida|firmar|firme|hable|"
        r"hablarlo|consultarlo|confirmar|confirme)"
    ),
    (
        r"(?:no|nunca|todavia no|aun no|ahorita no|ahora no|tampoco) (?:me |nos |"
        r"lo |la |voy a |vamos a |quiero |puedo |estoy listo para |"
        r"estoy lista para |pienso )?(?:inscribo|inscribirme|registrarme|"
        r"apuntarme|anotarme|pagar|pagarlo|pago|empezar|empiezo|arrancar|arranco|"
        r"comprar|compro|contratar|contrato|firmar|firmo|agendar|reservar|unirme|"
        r"sumarme|hacerlo|apunto|anoto)"
    ),
)

NEGATORS: Final[frozenset[str]] = frozenset(
    {
        "no",
        "nunca",
        "jamas",
        "tampoco",
        "ni",
        "sin",
        "nada",
        "nadie",
        "ningun",
        "ninguna",
        "ninguno",
        "not",
        "never",
        "isnt",
        "dont",
    }
)
NEGATOR_EXCEPTIONS: Final[frozenset[str]] = frozenset(
    {
        "se",
        "gracias",
        "mas",
        "bueno",
        "pues",
        "vaya",
        "manches",
        "mames",
        "jodas",
        "creas",
        "inventes",
        "sabia",
        "know",
        "importa",
        "te",
        "le",
        "solo",
    }
)
DOUBLE_NEGATION: Final = (
    r"\bno (?:es|era|fue|seria) (?:que|porque|por que|tanto que|como que)\b|\bno porque\b|"
    r"\bnunca dije que\b|\bno digo que\b|\bno creo que\b|\bno es que\b|"
    r"\btampoco es que\b|\bno es por\b|\bno diria que\b|\btampoco diria que\b|\bno dije que\b"
)
NEED_NEGATION: Final = (
    r"\b(?:no (?:necesito|quiero|busco|me interesa|me preocupa|"
    r"tengo (?:ningun|ninguna|problemas?|lios?|temas?)|"
    r"es (?:por|para|tanto|un tema de)|se trata de|tanto)|nunca (?:he tenido|"
    r"tuve|he|he sufrido)|sin (?:problemas?|ningun)|"
    r"mas que|en vez de|en lugar de|mas bien que)\b"
)
BUY_NEGATORS: Final[frozenset[str]] = frozenset(
    {
        "no",
        "nunca",
        "jamas",
        "tampoco",
        "antes",
        "hasta",
        "quizas",
        "quiza",
        "talvez",
        "capaz",
        "ni",
        "sin",
        "todavia",
        "aun",
        "not",
        "dont",
        "never",
    }
)
