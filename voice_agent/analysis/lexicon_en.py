"""English phrase and pattern lists for the rule-based analysers.

Patterns are regular expressions over the text produced by
``voice_agent.analysis.normalize`` (lowercase ASCII, no apostrophes: "dont", "im",
"cant", "okay", "yes"). Conventions understood by ``voice_agent.analysis.rules``:

- each pattern is wrapped in word boundaries and matched within one sentence (``^`` and
  ``$`` anchor to the sentence);
- ``~ `` (a tilde and a space) stands for a gap of up to three words ("dont have ~ time");
- an escaped question mark ``\\?`` anywhere in a pattern marks it as a weak keyword cue
  that does not count inside a question ("is it expensive?" asks, "it's expensive"
  objects).

Weights: ``S`` a strong, unambiguous phrase; ``M`` a likely one; ``W`` a weak cue.
``CANCELS`` are phrases that explicitly deny a label ("it's not about the money").
"""

from __future__ import annotations

from typing import Final

S: Final = 0.9
M: Final = 0.75
W: Final = 0.6

RuleTable = dict[str, tuple[tuple[str, float], ...]]
CancelTable = dict[str, tuple[str, ...]]

_SPOUSE = (
    r"(?:wife|husband|spouse|partner|fiance|fiancee|girlfriend|boyfriend|other half|"
    r"better half|significant other|family|wifey|hubby|missus|mrs|old lady|old man)"
)
_APPROVER = (
    rf"(?:{_SPOUSE}|boss|manager|supervisor|ceo|cfo|coo|board|hr|human resources|finance|"
    r"finance team|finance department|accounting|accountant|financial advisor|financial planner|"
    r"assistant|ea|chief of staff|company|employer|team|co founder|cofounder|business partner|"
    r"partners|doctor|physician|doc|cardiologist|therapist|psychologist|psychiatrist|"
    r"nutritionist|physio|physical therapist|surgeon|dad|mom|father|mother|parents|"
    r"lawyer|legal|procurement|higher ups|higher up|the people upstairs|"
    r"bank|banker|treasurer)"
)
_ALT = (
    r"(?:coach|coaches|trainer|trainers|personal trainer|pt|nutritionist|dietitian|dietician|"
    r"nutrition coach|health coach|fitness coach|wellness coach|life coach|running coach|"
    r"strength coach|gym|gym membership|membership|program|routine|workout routine|"
    r"workout plan|meal plan|diet plan|nutrition plan|training plan|app|apps|"
    r"fitness app|peloton|tonal|mirror|"
    r"orangetheory|orange theory|crossfit|f45|equinox|soulcycle|yoga|pilates|studio|"
    r"class|classes|bootcamp|boot camp|running club|run club|club|home gym|treadmill|"
    r"noom|weight watchers|ww|myfitnesspal|fitbit|whoop|oura|apple watch|garmin|strava|"
    r"youtube|videos|someone|somebody|a guy|a girl)"
)

OBJECTIONS: Final[RuleTable] = {
    "price": (
        (
            (
                r"(?:hoping|looking|expecting|budgeted|thinking|planning) (?:for |to pay |"
                r"to spend |on spending |on paying )?(?:something |anything |more like |"
                r"closer to |like )?(?:under|less than|below|cheaper|at most|no more than|"
                r"more affordable)|(?:need to|have to|would have to|d have to|id need to|"
                r"id have to|got to|will have to) (?:budget|save|save up) for (?:it|this|"
                r"that)"
            ),
            S,
        ),
        (
            (
                r"^(?:honestly |probably |mostly |just |i guess |well |i mean |"
                r"um )*(?:the )?(?:price|cost|money|budget|investment|pricing|"
                r"affordability)(?: honestly| mostly| i guess| really| to be honest|"
                r" thing)?$"
            ),
            M,
        ),
        (
            (
                r"(?:a bit|too|bit|quite|rather|very|little|awfully|its|thats|"
                r"pretty) dear|not made of money|out of (?:my |our )?reach|every (?:penny|"
                r"dollar|cent|pound|bit) counts|saving (?:up )?for (?:a|the|our|"
                r"my) (?:house|wedding|car|college|tuition|deposit|down payment|new)"
            ),
            S,
        ),
        (
            (
                r"(?:money|cash ?flow|finances|budget|price|cost|affordability|"
                r"paying for it)(?: s)? (?:is|are|would be|will be|might be) (?:a bit of |"
                r"kind of |a little bit of |sort of |a bit |a little )?(?:a |"
                r"an )?(?:problem|issue|concern|stretch|squeeze|struggle|worry)"
            ),
            S,
        ),
        (
            r"(?:too|so|really|very|super|way too|pretty|quite|kind of|sort of|a bit|bit|"
            r"a little|little|rather|awfully|crazy|ridiculously|insanely) (?:expensive|pricey|"
            r"costly|steep|spendy|pricy|overpriced)",
            S,
        ),
        (
            r"\?(?:this|that|seems|sounds|looks|its|thats|is|kind of|sort of) (?:expensive|pricey|"
            r"costly|spendy|pricy)",
            M,
        ),
        (r"overpriced|rip off|ripoff|highway robbery|sticker shock|arm and a leg", S),
        (r"break the bank|costs? a fortune|a small fortune|daylight robbery", S),
        (r"\?expensive|\?pricey|\?costly|\?pricy|\?spendy", W),
        (
            r"(?:cant|couldnt|cannot|wont be able to|not able to|unable to|no way i can|"
            r"dont think i can|dont think we can|not sure i can|not sure we can|hard to|"
            r"struggle to|cant really|couldnt really|cant quite) (?:afford|justify|swing|"
            r"stretch to|pay for|pay that|spend that|commit that kind of money)",
            S,
        ),
        (
            (
                r"(?:cant|couldnt) (?:really )?(?:do|manage|handle) (?:that|"
                r"this) (?:price|amount|much)"
            ),
            S,
        ),
        (
            r"(?:out of|over|above|beyond|outside|exceeds|blows|stretches|stretch) "
            r"(?:my|our|the) (?:price range|budget|league|means|range)",
            S,
        ),
        (r"(?:not|isnt|wasnt) in (?:my|our|the) budget", S),
        (
            (
                r"(?:no|dont have (?:the|a|any)|dont have much|not much|limited|tight|"
                r"small|zero) budget"
            ),
            S,
        ),
        (
            r"(?:dont|do not|didnt|wont) (?:really |even |actually |currently |honestly )?have "
            r"(?:the|a|any|much of a|a big|that kind of|that much|enough|the money in the) budget",
            S,
        ),
        (
            r"budget (?:is|s|was|are)? ?(?:really |very |pretty |kind of |a bit |super )?"
            r"(?:tight|limited|small|gone|maxed|maxed out|spent|frozen|stretched|an issue|"
            r"a problem|a concern)",
            S,
        ),
        (
            r"(?:money|cash|finances|funds|budgets|things|cash flow|cashflow|money wise|"
            r"moneys) (?:is|s|are|have been|has been|been)? ?(?:a bit |kind of |really |pretty |"
            r"very |super |a little |sort of |quite )?(?:tight|short|limited|low|scarce|tough|"
            r"an issue|a problem|a concern|the issue|the problem|a factor|a big factor)",
            S,
        ),
        (r"tight (?:on|with|for) (?:money|cash|budget|funds|finances)", S),
        (
            (
                r"(?:money|cash|budget|finances) and (?:time|money|everything) (?:are|"
                r"is) (?:both |all )?(?:tight|short|limited)|(?:time|"
                r"everything) and (?:money|cash|budget) (?:are|is) (?:both |"
                r"all )?(?:tight|short|limited)"
            ),
            S,
        ),
        (
            r"(?:were|im|we are|i am|been|things are|its|it is) (?:kind of |a bit |pretty |"
            r"really |a little |super |sort of )?(?:tight|stretched|strapped) (?:this|right|at|"
            r"these|for|financially|money|with|on|now)",
            S,
        ),
        (r"(?:strapped|short|low|hurting) (?:for|on) (?:cash|money|funds)", S),
        (r"(?:im|were|i am|we are|pretty|totally|flat) (?:broke|skint)", S),
        (
            (
                r"(?:a lot of|so much|that much|that kind of|serious|real|big) (?:money|"
                r"cash|dough|bucks)"
            ),
            M,
        ),
        (
            (
                r"(?:thats|its|it is|that is|sounds like|seems like|seems|is) (?:quite |"
                r"really |still |just )?a lot(?! (?:to take in|to process|to think about|"
                r"to digest|to absorb|of (?:information|info|stuff|work|time|things)|"
                r"going on|on my plate))"
            ),
            M,
        ),
        (
            (
                r"(?:thats|its|seems|sounds|bit|little|way|just|much) too much(?! (?:on|"
                r"work|going|time|travel|stuff|to handle|commitment|for me to handle))"
            ),
            S,
        ),
        (
            r"more than (?:i|we|id|wed) (?:[a-z]+ ){0,3}(?:spend|pay|invest|afford|put in|budget|"
            r"budgeted|expected|anticipated)",
            S,
        ),
        (
            (
                r"(?:dont|didnt) (?:have|make) (?:that kind of|that much|the|enough|much|"
                r"spare) (?:money|cash|dough|income|funds)"
            ),
            S,
        ),
        (
            (
                r"(?:not|isnt|wasnt) (?:exactly |really |very |that |so )?(?:cheap|"
                r"affordable|inexpensive)"
            ),
            S,
        ),
        (
            (
                r"(?:cheaper|less expensive|lower price|lower cost|more affordable|"
                r"budget option|cheaper option|lite version|basic version)"
            ),
            M,
        ),
        (r"\?(?:any|a|some) (?:discount|deal|promo|promotion|coupon)s?|\?discount", W),
        (
            # haggling: asking the agent for a lower price is a price objection
            (
                r"(?:can|could) you (?:do|go) (?:any )?(?:better|lower|cheaper)|"
                r"(?:knock|take) (?:something|a bit|some|anything) off|"
                r"(?:give|get|cut) me (?:a |any |some )?(?:discount|deal|better price|break)|"
                r"(?:whats|what is) (?:the )?best (?:price|you can do)|"
                r"come down (?:on|in) (?:the )?price"
            ),
            S,
        ),
        (r"(?:whats|what is|where is|wheres) the catch", S),
        (
            (
                r"(?:not|isnt|wasnt|doesnt seem) (?:really |quite |"
                r"entirely )?worth (?:the |that |it for |that kind of )?(?:money|price|"
                r"cost|investment|much)"
            ),
            S,
        ),
        (
            (
                r"(?:pay|paying|spend|spending|invest|investing|shell out|fork out|"
                r"drop) (?:that much|so much|this much|that kind of money|that amount|"
                r"thousands|hundreds)"
            ),
            S,
        ),
        (r"\?for (?:that|this) (?:price|money|amount|kind of money)", M),
        (
            (
                r"(?:big|huge|serious|hefty|sizable|decent) chunk of (?:change|money|"
                r"cash)|chunk of change|(?:numbers|math|budget|finances|"
                r"money)(?: just)? (?:dont|doesnt|wont|do not|"
                r"does not) (?:really )?(?:work|add up|make sense|stretch)"
            ),
            S,
        ),
        (
            (
                r"(?:for a fraction of|half the price|for (?:way |much )?less|for cheaper|"
                r"way less|much less|fraction of the (?:price|cost))"
            ),
            M,
        ),
        (
            (
                r"(?:look at|check|go over|review|crunch|sort out|figure out|"
                r"talk to) (?:my|our|the) (?:finances|budget|numbers|bank account|"
                r"money situation|accountant)"
            ),
            M,
        ),
        (
            (
                r"(?:rather not|dont want to|not willing to|hesitant to|reluctant to|"
                r"cant justify|not keen to|not keen on) (?:spend|spending|pay|paying|"
                r"invest|investing|shell out|fork out|drop) (?:money|that|that much|"
                r"this much|on this|on that|on it|for this|for that|on coaching|"
                r"on a coach|cash)"
            ),
            S,
        ),
        (
            r"(?:price|cost|fee|fees|investment|pricing|monthly fee|amount|membership) "
            r"(?:is|s|are|seems|sounds|looks|feels) (?:a bit |kind of |really |way |very |pretty |"
            r"quite |too |just |a little |sort of )*(?:high|steep|much|a lot|hefty|out there|"
            r"crazy|insane|nuts|wild|heavy|tough)",
            S,
        ),
        (
            (
                r"(?:steep|hefty|big|high|serious|significant) (?:price|price tag|"
                r"investment|fee|cost|number|amount|commitment financially)"
            ),
            S,
        ),
        (
            (
                r"(?:concerned|worried|nervous|hesitant|unsure) (?:about|with|"
                r"over) (?:the )?(?:price|cost|money|pricing|fees|investment|budget|"
                r"expense)"
            ),
            S,
        ),
        (r"(?:financially|money wise|budget wise|cost wise|price wise)", M),
        (
            (
                r"(?:not|isnt) in (?:a|the) (?:position|place) (?:financially|to spend|"
                r"to invest|to pay)"
            ),
            S,
        ),
        (
            (
                r"(?:mortgage|tuition|bills|debts|debt|daycare|college fund|school fees|"
                r"car payment|medical bills|layoffs?|laid off|pay cut|lost my job)"
            ),
            W,
        ),
        (
            (
                r"(?:money|price|cost|budget|pricing|affordability) (?:is|would be|"
                r"will be|might be|s) (?:the|my|a|our) (?:main |big |biggest |real |"
                r"only )?(?:issue|problem|concern|obstacle|hurdle|sticking point|thing|"
                r"question|barrier)"
            ),
            S,
        ),
        (
            (
                r"(?:only|just) (?:issue|problem|concern|thing|hurdle) (?:is|would be|"
                r"s) (?:the )?(?:price|cost|money|budget)"
            ),
            S,
        ),
        (
            (
                r"(?:price|cost|money|budget|pricing) (?:scares|scared|worries|worried|"
                r"concerns|bothers|puts) (?:me|us)"
            ),
            S,
        ),
        (r"waste of (?:my |our )?money|throw (?:my |our )?money (?:away|at)", W),
    ),
    "time": (
        (
            (
                r"work (?:nights|night shifts|nights and weekends|weekends|two jobs|"
                r"double shifts|doubles|overnights)|(?:night|rotating|split|"
                r"graveyard) shifts?|(?:my|with my|the|with the|given my) (?:travel|work|"
                r"crazy|busy|insane|hectic|packed|demanding) schedule"
            ),
            M,
        ),
        (
            (
                r"^(?:honestly |probably |mostly |just |i guess |well |i mean |"
                r"um )*(?:time|my schedule|the schedule|my calendar|finding time|the time|"
                r"time commitment|the time commitment|my travel|travel)(?: honestly|"
                r" mostly| i guess| really| to be honest| thing)?$"
            ),
            M,
        ),
        (
            (
                r"rammed|chock a block|chockablock|stretched (?:really |so |very |pretty |"
                r"way |too )?thin|(?:got|have|ive got|i ve got) (?:a lot|loads|so much|"
                r"too much|tons|a ton|heaps) on(?! (?:my mind|the line))"
            ),
            S,
        ),
        (
            (
                r"(?:dont|cant|do not|cannot|just dont|really dont) see (?:where|how|"
                r"when) (?:this|it|that|coaching|i|id|a coach|any of this) (?:would |"
                r"could |can |is going to |will )?(?:fit|fits|fit in|squeeze in|"
                r"find the time)"
            ),
            S,
        ),
        (
            (
                r"(?:flying|fly|traveling|travelling|travel|on the road|"
                r"on a plane)(?: to [a-z]+)? (?:twice|three times|four times|every|once|"
                r"two weeks|three weeks) (?:a|per|every|out of) (?:month|week|four)"
            ),
            S,
        ),
        (
            (
                r"(?:day|days|workday|workdays) (?:start|starts|begin|begins) (?:at|"
                r"before|around) (?:four|five|4|5|dawn|sunrise|430|530)|work (?:until|"
                r"till|past) (?:nine|ten|eleven|midnight|9|10|11)|(?:get|come|got|"
                r"getting) home (?:at|after|around) (?:nine|ten|eleven|midnight|9|10|11)"
            ),
            S,
        ),
        (
            (
                r"(?:in the middle of|middle of|going through|dealing with|busy with|"
                r"buried in) (?:an? |the |our |my )?(?:acquisition|merger|move|launch|"
                r"product launch|reorg|restructuring|audit|ipo|fundraise|raise|closing|"
                r"transition|busy season|big project|renovation|divorce|relocation|"
                r"job change|new job)"
            ),
            S,
        ),
        (
            (
                r"finding (?:the |enough |the )?time|(?:the )?(?:hard|tricky|"
                r"difficult) part (?:is|would be) (?:the )?(?:time|schedule|finding time)"
            ),
            S,
        ),
        (
            (
                r"(?:dont|didnt|wont|never) (?:really |even |honestly )?have (?:the |"
                r"enough |any |much |a lot of |spare |free |extra )?time"
            ),
            S,
        ),
        (
            (
                r"(?:no|not enough|zero|little|not much|limited|hardly any|barely any|"
                r"no spare|no free|no extra) (?:free |spare |extra )?time"
            ),
            S,
        ),
        (
            (
                r"(?:cant|cannot|wont|dont|couldnt|hard to|struggle to|tough to|"
                r"never) (?:really )?(?:find|make|carve out|spare|free up|"
                r"set aside) (?:the |enough |any )?(?:time|hours|an hour|space)"
            ),
            S,
        ),
        (
            (
                r"where (?:would|will|do|could) i (?:even |ever |possibly |"
                r"actually )?(?:find|get|fit|make) (?:the )?time"
            ),
            S,
        ),
        (
            (
                r"(?:too|so|really|very|crazy|super|extremely|insanely|pretty|incredibly|"
                r"ridiculously|stupid|way too|always|constantly|just|swamped and|"
                r"slammed and) busy"
            ),
            S,
        ),
        (r"\?busy", W),
        (r"busy (?:schedule|life|season|time|period|month|week|year|quarter|stretch|lifestyle)", S),
        (
            r"(?:calendar|schedule|agenda|diary|week|weeks|days|life|workload|day|plate|time) "
            r"(?:is|s|are|has been|been|gets|looks)? ?(?:just |totally |completely |absolutely |"
            r"a |an |pretty |really |so |super |crazy |insanely |very |always |already |kind of |"
            r"a bit |fully |completely |a total )*(?:packed|full|insane|crazy|a mess|mess|"
            r"nightmare|chaos|chaotic|jammed|slammed|hectic|booked|overbooked|maxed|maxed out|"
            r"nuts|overflowing|stacked|unpredictable|all over the place|wall to wall|"
            r"back to back|brutal|overloaded|out of control)",
            S,
        ),
        (r"(?:a lot|too much|so much|lot) (?:going )?on my plate|(?:full|overflowing) plate", S),
        (
            r"(?:travel|traveling|travelling|on the road|on a plane|on planes|"
            r"in airports|in hotels|flying|fly) (?:a lot|all the time|"
            r"constantly|every week|every other week|so much|too much|nonstop|non stop|half the|"
            r"most of|three|two|four|twice|weekly|for work|for business|a ton|frequently|often|"
            r"every month|internationally)",
            S,
        ),
        (
            (
                r"always (?:traveling|travelling|on the road|flying|on a plane|"
                r"in meetings|at work|working|on the go|on call)"
            ),
            S,
        ),
        (
            (
                r"(?:swamped|slammed|overloaded|buried|underwater|stretched thin|"
                r"spread thin|overcommitted|over committed|overextended|drowning in work|"
                r"snowed under|up to my eyeballs|up to my neck|flat out|run off my feet)"
            ),
            S,
        ),
        (
            (
                r"(?:long|crazy|insane|late|brutal|twelve hour|12 hour|14 hour|"
                r"fourteen hour|odd) (?:hours|nights|days|shifts)"
            ),
            M,
        ),
        (
            (
                r"(?:money|cash|budget|finances) and (?:time|money|everything) (?:are|"
                r"is) (?:both |all )?(?:tight|short|limited)"
            ),
            S,
        ),
        (
            (
                r"(?:time|money) and (?:time|money) (?:are|is) (?:both |all )?(?:tight|"
                r"short|limited)|(?:my )?time (?:is|s) (?:really |very |super |"
                r"so )?(?:tight|short|limited|scarce)"
            ),
            S,
        ),
        (
            (
                r"(?:barely|hardly|never|rarely) (?:get to )?(?:see|spend time with|"
                r"have dinner with|make it home for) (?:my )?(?:family|kids|wife|husband|"
                r"friends|children|partner)"
            ),
            S,
        ),
        (
            (
                r"(?:days|hours|weeks|workdays|work days|shifts) (?:are|is|run|"
                r"get) (?:really |so |super |very |crazy |insanely |pretty |"
                r"incredibly )?(?:long|packed|full|crazy|insane|brutal|endless|nonstop)"
            ),
            S,
        ),
        (
            (
                r"(?:sixty|seventy|eighty|60|70|80|fifty|50|65|sixty five|ninety|"
                r"90) (?:plus )?hour (?:work )?weeks?"
            ),
            S,
        ),
        (
            (
                r"work (?:like )?(?:sixty|seventy|eighty|60|70|80|fifty|50|twelve|12|"
                r"fourteen|14|ninety|90) (?:plus )?hours"
            ),
            S,
        ),
        (
            (
                r"back to back (?:meetings|calls|flights|trips)|meetings all day|"
                r"in meetings (?:all day|constantly)"
            ),
            S,
        ),
        (
            (
                r"not enough hours in the day|only so many hours|(?:day|days) (?:are|"
                r"is) (?:already )?full"
            ),
            S,
        ),
        (r"(?:no|dont have (?:the|any)|zero|limited) bandwidth", S),
        (
            r"(?:cant|couldnt|wont be able to|no way i can|not sure i can|dont think i can|hard to|"
            r"not able to|unable to|struggle to) (?:really )?(?:commit|fit|squeeze|stick "
            r"to|stick with|show up|make (?:it|the sessions|sessions|the calls|calls)|dedicate|"
            r"do (?:three|3|four|4|five|5|two|2) (?:days|times|sessions))",
            S,
        ),
        (
            (
                r"fit (?:it|this|that|anything|workouts?|sessions?|training|exercise|"
                r"coaching|calls) (?:in|into)"
            ),
            M,
        ),
        (
            (
                r"(?:barely|hardly) (?:have|get|find) (?:time|a minute|a second|an hour|"
                r"a break|time to)"
            ),
            S,
        ),
        (
            r"(?:time|schedule|timing|my schedule|my calendar|availability|time commitment) "
            r"(?:is|s|would be|will be|might be)? ?(?:the |my |a |an |our )?(?:main |"
            r"big |biggest |real |"
            r"only )?(?:issue|problem|concern|constraint|obstacle|hurdle|challenge|"
            r"thing|barrier|tight|"
            r"limited|scarce)",
            S,
        ),
        (r"(?:time|scheduling|schedule) (?:constraints?|conflicts?|crunch|wise|issues?)", S),
        (
            (
                r"(?:busy|crazy|peak|tax|crunch|launch|quarter end|end of quarter|"
                r"year end|end of year|deal|closing) season"
            ),
            M,
        ),
        (r"(?:crunch time|deadlines?|deadline after deadline|on call|shift work|night shifts?)", W),
        (
            (
                r"(?:kids|children|family|baby|newborn|toddler|twins)(?: s)? (?:schedule|"
                r"schedules|activities|stuff|practices|take up|keep me|are|is) (?:busy|"
                r"all my time|my time|a lot|crazy|nonstop)"
            ),
            S,
        ),
        (r"(?:hectic|overscheduled|overbooked|no free time|no downtime|no down time)", M),
        (
            (
                r"(?:cant|cannot|couldnt) (?:do|make|manage|"
                r"commit to) (?:early )?(?:mornings|evenings|weekends|nights|lunchtimes|"
                r"lunch)"
            ),
            M,
        ),
        (
            (
                r"(?:dont|never) (?:even )?have (?:a|one) (?:minute|second|moment|"
                r"free evening|free weekend|day off|break)"
            ),
            S,
        ),
        (r"(?:time|hours|minutes) (?:i|we) (?:dont|just dont) have", S),
        (
            (
                r"(?:takes|take|would take|eats|eat) (?:up )?(?:too much|a lot of|"
                r"so much) (?:time|hours)"
            ),
            S,
        ),
        (r"(?:too|very) (?:time consuming|time intensive)|time consuming", M),
    ),
    "think_it_over": (
        (
            (
                r"(?:its|it is|just|its just|it s just|more|mostly|really) (?:the |"
                r"about )?timing|(?:bad|wrong|tricky|awkward) timing|timing(?: is|"
                r" s)? (?:the |my )?(?:issue|problem|thing)"
            ),
            M,
        ),
        (
            (
                r"give me a (?:ring|call|shout|buzz|bell) (?:next|in|after|later|tomorrow|"
                r"another|some|back|again)|(?:have|had) a (?:proper |good |little |"
                r"bit of a )?think"
            ),
            S,
        ),
        (r"(?:this|the|that) (?:quarter|month|year|summer|week|season) is out|not this quarter", S),
        (
            (
                r"(?:talk|speak|chat|reconnect|touch base|catch up|connect|revisit (?:it|"
                r"this)|follow up|circle back) (?:again )?(?:in|after|around|next|"
                r"once) (?:the |a )?(?:spring|summer|fall|autumn|winter|new year|january|"
                r"february|march|april|may|june|july|august|september|october|november|"
                r"december|month|year|quarter|holidays|couple of (?:weeks|months)|"
                r"few (?:weeks|months))"
            ),
            S,
        ),
        (
            (
                r"think (?:about it|it over|about this|this over|on it|things over|"
                r"things through|it through|this through|about that|that over|it all over|"
                r"on that)"
            ),
            S,
        ),
        (
            r"(?:let me|ill|i will|i need to|need to|have to|i have to|want to|i want to|going to|"
            r"im going to|id like to|id have to|i should|should|got to|i must|must|let us|lets|"
            r"we need to|well|we will|need some time to|need time to|"
            r"time to) (?:just )?(?:think|mull|"
            r"sleep on|chew on|reflect|consider|digest|process|ponder|weigh|noodle on|sit with|"
            r"sit on|review|evaluate|go over)(?! (?:probably|maybe|back|for a|"
            r"a second|a sec|how|what|"
            r"which|who|where|when|hmm|um|of|like|its|it was|that was))",
            S,
        ),
        (r"sleep on (?:it|this|that)|mull (?:it|this|that) over|chew on (?:it|this|that)", S),
        (r"(?:get|come|circle|reach|call|loop|ring) back (?:to you|with you|around|later)", S),
        (
            (
                r"(?:ill|i will|let me|i can|we will|well|ill just) (?:let you know|"
                r"get back|follow up|reach out|circle back|be in touch|touch base|"
                r"call you|give you a call|text you|email you|drop you)"
            ),
            S,
        ),
        (
            (
                r"(?:call|ring|phone|reach|contact|try|text|email) me (?:back )?(?:later|"
                r"next|in a|in|another|some other|tomorrow|after|again|another time|"
                r"at a later)"
            ),
            S,
        ),
        (
            (
                r"(?:call|talk|speak|chat|reach|connect|touch base|"
                r"catch up) (?:again )?(?:next|in a|in a few|in a couple of|after the|"
                r"after) (?:week|month|year|quarter|few|couple|weeks|months|days|holidays|"
                r"summer|new year)"
            ),
            S,
        ),
        (
            r"(?:maybe|perhaps|probably|possibly|might|could|let s do it|lets do it|"
            r"lets talk|lets revisit|revisit|"
            r"lets circle back) (?:later|next (?:week|month|year|quarter|season|time)|"
            r"in a (?:few|couple|month|year)|"
            r"after|down the road|in the new year|another time|some other time|someday|some day|"
            r"one day|in the future|at some point|further down|when things|"
            r"once things|when work|once work)",
            S,
        ),
        (
            (
                r"(?:not|isnt) (?:right )?now|(?:not|isnt) (?:at |for )?(?:the moment|"
                r"this moment|present|this point|this time|the minute)"
            ),
            M,
        ),
        (
            (
                r"(?:not|isnt|wrong|bad|terrible|weird) (?:the )?(?:right |good |best |"
                r"ideal )?(?:time|timing|moment)"
            ),
            M,
        ),
        (
            (
                r"(?:timing|moment) (?:is|s|isnt) (?:not |just |a bit |kind of )?(?:off|"
                r"bad|wrong|not right|not great|tricky)"
            ),
            M,
        ),
        (
            r"(?:after|until|till|wait (?:for|until|till)|closer to|once|maybe in|perhaps in|"
            r"probably in|maybe after|maybe around|maybe by|not until|not till|"
            r"revisit in|revisit it in|"
            r"reach out in|call me in|talk in|touch base in|start in|circle back in|"
            r"(?:lets|we can|we could|"
            r"i can|i could|id rather|rather|id prefer to|prefer to) (?:start|talk|"
            r"revisit|look at it|"
            r"circle back|reconnect|pick this up|pick it up) (?:in|after|"
            r"around)) (?:the |a )?(?:next month|next year|next quarter|new year|"
            r"holidays|summer|fall|autumn|winter|spring|january|february|march|april|may|june|july|"
            r"august|september|october|november|december|q1|q2|q3|q4|first quarter|second quarter|"
            r"busy season|tax season|move|launch|vacation|the project|this project|"
            r"things (?:calm|slow|settle))",
            M,
        ),
        (
            r"(?:send|email|mail|text|forward|shoot|drop) (?:me |us |over |it |that |"
            r"this |them )*(?:some |more |the |a |an |any |your |some more |all the )?"
            r"(?:information|details|brochure|pdf|something|stuff|materials|material|"
            r"an email|email|"
            r"proposal|deck|quote|pricing|breakdown|overview|literature|summary|one pager|write up|"
            r"writeup|info pack|whitepaper|case studies|testimonials|website|site|options)",
            S,
        ),
        (
            (
                r"(?:email|send|text|forward|shoot) (?:it|that|this|them|everything|"
                r"something) (?:to me|over|through|along|my way)"
            ),
            S,
        ),
        (
            (
                r"(?:look|looking) (?:into it|into this|into that|it over|this over|"
                r"that over|at it more|at other|around|at options|at my options)"
            ),
            S,
        ),
        (
            (
                r"(?:ill|let me|i will|ill have to|i can|ill just|"
                r"let me just) (?:take a look|have a look|look it up|check it out|"
                r"check out|look at it|look at the|browse|read up)"
            ),
            S,
        ),
        (
            (
                r"do (?:some|my|a little|a bit of|more|a bit more|some more) (?:research|"
                r"homework|digging|reading|thinking|due diligence)"
            ),
            S,
        ),
        (
            (
                r"(?:shop|shopping) around|(?:compare|comparing|weigh|weighing) (?:my |"
                r"the |our |some )?(?:options|prices|programs|alternatives)"
            ),
            S,
        ),
        (
            (
                r"(?:not|isnt) (?:quite |really |totally |fully |100 percent |"
                r"a hundred percent )?(?:ready|there yet|sure yet|decided|convinced yet)"
            ),
            S,
        ),
        (
            (
                r"(?:need|want|like|id like|give me|let me have|take|taking) (?:some|more|"
                r"a little|a bit of|a bit more|a few|a couple of|a couple|"
                r"a little more) (?:time|days|weeks|thought|time to)"
            ),
            S,
        ),
        (
            (
                r"(?:give|let) me (?:a |a few |a couple |some |a couple of )?(?:days|"
                r"weeks|time|moment|while|bit)"
            ),
            S,
        ),
        (
            r"(?:hold off|holding off|wait and see|put (?:it|this|that) on hold|"
            r"on the back burner|hold that thought|"
            r"hang on to|park (?:it|this|that)|table (?:it|this|that)|revisit (?:it|this|that)|"
            r"put a pin in|pump the brakes|hit pause|press pause|slow down)",
            S,
        ),
        (
            (
                r"(?:wait|waiting) (?:a bit|a while|a few|a couple|a little|for now|until|"
                r"till|to see|for (?:the|a|my|next))"
            ),
            M,
        ),
        (r"touch base (?:later|next|again|in|another)", S),
        (
            (
                r"keep (?:me|my|us) (?:posted|in mind|on file|on your list|updated|"
                r"information|number|in the loop)"
            ),
            S,
        ),
        (
            (
                r"(?:down the road|some other time|another time|at some point|someday|"
                r"some day|in the future|not today|not this year|not this month|"
                r"one of these days)"
            ),
            M,
        ),
        (
            (
                r"(?:dont|not) (?:want|like|going|ready) to (?:rush|decide|commit|"
                r"make a decision|jump|sign|buy|rush into) (?:into |anything |right now|"
                r"today|now|yet|on the phone|over the phone|on the spot|so fast|"
                r"so quickly|right away|immediately)"
            ),
            S,
        ),
        (r"(?:big|important|major|serious) (?:decision|commitment|purchase|investment)", M),
        (
            r"(?:no|not in a|whats the|not in any) (?:rush|hurry)|(?:no need to|dont want to) rush",
            M,
        ),
        (
            (
                r"(?:ill|i will|let me|well|we will|i have to|need to) (?:check|see|look|"
                r"figure) (?:and|then|if|things|it out|out)"
            ),
            W,
        ),
        (
            (
                r"(?:let me|ill|i will|i need to|need to|have to|we will) (?:talk it over|"
                r"discuss it|discuss this|sort out|figure out|get back|look at my)"
            ),
            M,
        ),
        (r"(?:ill|i will|i might|we might|may|might|could) (?:consider|keep it in mind|think)", S),
        (
            (
                r"(?:not|isnt|wasnt) (?:something|anything) (?:i can|i could|i want to|"
                r"id) (?:decide|commit to|do) (?:right now|today|now|yet)"
            ),
            S,
        ),
        (
            (
                r"(?:maybe|perhaps) (?:later|next|another|in|after|down|sometime|"
                r"some time|one day|someday|in the future)"
            ),
            S,
        ),
        (
            (
                r"(?:busy|crazy|hectic) (?:right now|at the moment|this month|these days|"
                r"lately).{0,40}(?:later|after|next)"
            ),
            M,
        ),
        (
            (
                r"(?:call|ring|contact) (?:me )?(?:back )?(?:in|after) (?:a|the|two|three|"
                r"six|a few|a couple)"
            ),
            S,
        ),
    ),
    "skepticism": (
        (
            (
                r"(?:cant|dont|cannot|never|can not) (?:really )?see myself (?:sticking|"
                r"doing|keeping|following|committing|continuing|getting up|showing up|"
                r"being consistent)"
            ),
            S,
        ),
        (
            (
                r"(?:coach|coaches|trainer|trainers|program|programs|diet|diets|app|apps|"
                r"plan|plans)(?: [a-z]+){0,4} (?:has been|have been|was|were|are|"
                r"is) (?:all |always |totally |completely )?(?:useless|rubbish|a waste|"
                r"a joke|terrible|awful|pointless|garbage|crap|a scam|a rip off)"
            ),
            S,
        ),
        (
            (
                r"(?:always|usually|eventually|inevitably|"
                r"tend to) (?:end up )?(?:quitting|giving up|falling off|dropping off|"
                r"dropping out|stopping|losing steam|losing interest|fall off|quit|"
                r"give up)"
            ),
            S,
        ),
        (
            (
                r"(?:does|will|would|can|could|is) (?:this|it|that|coaching|this stuff|"
                r"any of this|this program|the program|online coaching|a coach) (?:really|"
                r"actually|even|truly|honestly|ever) (?:work|help|going to work|"
                r"make a difference|deliver|last)"
            ),
            S,
        ),
        (
            (
                r"(?:dont|do not|never) (?:really |honestly |fully |totally )?(?:believe|"
                r"buy|trust) (?:it|this|that|in|you|these|those|the|them|any|coaches|"
                r"programs|salespeople|any of)"
            ),
            S,
        ),
        (
            (
                r"(?:dont|doesnt|do not) (?:think|believe|see how|see) (?:it|this|that|"
                r"coaching|a coach|any of this|a program|the program|something like this|"
                r"your program|online coaching) (?:will |would |is going to |can |"
                r"could )?(?:work|help|do much|do anything|make a difference|stick|last|"
                r"be any different|change)"
            ),
            S,
        ),
        (
            (
                r"(?:not sure|dont know|unsure|doubt|wonder|wondering|no idea|"
                r"not convinced|not certain|dont see) (?:if|whether|that|how)? ?(?:this|"
                r"it|that|coaching|a coach|a fitness coach|a program|the program|you|"
                r"your program|your coaches|online coaching|this kind of thing|"
                r"something like this|anything like this|this approach|remote coaching|"
                r"an app) (?:will |would |is going to |can |could |is |s |really |"
                r"actually )*(?:work|help|for me|right|the right|make|fit|suit|deliver|"
                r"be worth|different|last|stick|good|useful|effective)"
            ),
            S,
        ),
        (
            (
                r"(?:skeptical|sceptical|doubtful|cynical|unconvinced|not convinced|wary|"
                r"leery|suspicious|distrustful|on the fence|not sold)"
            ),
            S,
        ),
        (
            (
                r"too good to be true|(?:sounds|seems|smells|feels|looks) (?:like )?(?:a |"
                r"an )?(?:scam|gimmick|sales pitch|pyramid|mlm|snake oil|fad|con|racket|"
                r"marketing)"
            ),
            S,
        ),
        (r"\?(?:scam|gimmick|snake oil|fad|hype|con artist|bs|bullshit|sketchy|shady|fishy)", M),
        (
            (
                r"(?:ive|i have|i|we|weve|already|been there) (?:already )?(?:tried|done|"
                r"did|been through|tested) (?:it all|everything|it before|this before|"
                r"that before|all of (?:it|them|those|that)|(?:a |the )?(?:bunch|lot|few|"
                r"couple|ton|million|dozen|handful) of|all kinds|every|so many|many|"
                r"too many|plenty of|coaches|programs|diets|apps|trainers|plans|coaching)"
            ),
            S,
        ),
        (
            (
                r"(?:tried|done|did|had|used|hired|paid for|paid) (?:~ )?(?:and|"
                r"but) (?:it |they |that |he |she |nothing )?(?:didnt|never|did not|"
                r"failed|wasnt|werent|doesnt|didnt really|fell apart|quit|gave up)"
            ),
            S,
        ),
        (
            (
                r"(?:never|didnt|did not|nothing|none of (?:them|it|those)|"
                r"nothing ever) (?:really |ever |actually )?(?:work|works|worked|last|"
                r"lasts|lasted|stick|sticks|stuck|help|helps|helped|do anything|"
                r"did anything) (?:for me|long|for long|for us|on me)"
            ),
            S,
        ),
        (
            (
                r"(?:nothing|none of (?:it|them|those|that)) (?:ever )?(?:works|worked|"
                r"sticks|stuck|lasts|lasted|helped|helps)"
            ),
            S,
        ),
        (r"(?:never|didnt|did not|dont|doesnt) (?:seem to )?(?:stick|last|work out)", M),
        (
            (
                r"(?:heard|seen) (?:it|that|this|all this|all that|that one|that pitch|"
                r"it all|the pitch) (?:all )?before"
            ),
            S,
        ),
        (r"heard (?:[a-z]+ ){0,3}before", S),
        (
            (
                r"(?:been|gone) down (?:this|that) road|been there done that|"
                r"never (?:lasts|lasted|sticks|stuck)|how (?:can|do|could|would|"
                r"will) you (?:guarantee|promise|prove|know)"
            ),
            S,
        ),
        (
            (
                r"(?:i doubt|doubt it|doubtful|i dont think|"
                r"i dont see how) (?:[a-z]+ ){0,6}(?:going to|gonna|will|would|can|"
                r"could) (?:change|work|help|make a difference|do anything|fix|"
                r"move the needle)|(?:not going to|wont|isnt going to|"
                r"cant) (?:change anything|make a difference|move the needle|fix anything)"
            ),
            S,
        ),
        (
            (
                r"(?:not sure|dont know|doubt|unsure|skeptical|not convinced|"
                r"wonder) (?:if |whether |that )?(?:[a-z]+ ){0,4}(?:works|would work|"
                r"will work|can work|really works|actually works|is effective|would help|"
                r"will help|would make a difference|will make a difference)"
            ),
            S,
        ),
        (
            (
                r"(?:not|never been) (?:the|a) (?:kind|type|sort) of (?:person|guy|girl|"
                r"man|woman) (?:who|that) (?:sticks|stick|follows|keeps|lasts|can stick)|"
                r"(?:dont|never|cant|cannot) (?:stick|stay) with (?:anything|it|things|"
                r"these things|programs|diets|a program|a plan)|(?:always|usually|"
                r"eventually|inevitably) (?:quit|give up|fall off|drop off|lose steam|"
                r"lose interest)"
            ),
            S,
        ),
        (
            (
                r"(?:been|got|get|was|were) (?:burned|burnt|scammed|ripped off|"
                r"taken advantage|fooled|disappointed|let down)"
            ),
            S,
        ),
        (
            (
                r"(?:bad|terrible|awful|negative|horrible|poor|rough) (?:experience|"
                r"experiences|luck|results|track record)"
            ),
            S,
        ),
        (
            (
                r"(?:waste|wasted|wasting|blew|blown|thrown away|"
                r"threw away) (?:of )?(?:so much |a lot of |thousands |hundreds |"
                r"good )?(?:my |our )?money"
            ),
            S,
        ),
        (r"how (?:do|would|can|could|will) (?:i|we) (?:know|be sure|trust|tell)|how do i know", S),
        (
            (
                r"(?:whats|what is|wheres|where is|any|what) (?:the |your )?(?:proof|"
                r"evidence|guarantee|track record|success rate|data|science)"
            ),
            M,
        ),
        (
            (
                r"\?(?:proof|evidence|guarantee|guaranteed|track record|success rate|"
                r"testimonials|reviews)"
            ),
            W,
        ),
        (
            (
                r"\?(?:what makes|why would|why should|how is|how are|hows|"
                r"how would) (?:this|you|yours|it|your program|your coaching|you guys|"
                r"this one|that) (?:be )?(?:any )?(?:different|better|work|special)"
            ),
            M,
        ),
        (
            (
                r"(?:always|just|eventually|inevitably) (?:gain|put|pile) (?:it|"
                r"the weight|everything|them)? ?(?:all )?back|yo ?yo|(?:gain|put) (?:it|"
                r"the weight) (?:all )?back"
            ),
            M,
        ),
        (
            (
                r"(?:everyone|every coach|every program|they all|you all|you guys all|"
                r"everybody|all of you|all these (?:programs|coaches|apps)|"
                r"these (?:programs|coaches|guys|companies)) (?:says|say|promise|promises|"
                r"claims|claim|tells|tell)"
            ),
            S,
        ),
        (
            (
                r"(?:not|dont think|not sure) (?:it|this|that|coaching|a coach|a program|"
                r"online coaching)(?: s| is| would be| will be| is really)? (?:for me|"
                r"right for me|a fit|a good fit|the right fit|my thing|for people like me|"
                r"my style)"
            ),
            M,
        ),
        (
            (
                r"(?:online|virtual|remote|phone|zoom|app based|video|group) (?:coaching|"
                r"training|program|programs|sessions|coaches)(?: s)? (?:dont|doesnt|never|"
                r"cant|wont|just dont) (?:work|help|cut it)"
            ),
            S,
        ),
        (
            (
                r"(?:cookie cutter|one size fits all|generic (?:plan|program|stuff|"
                r"advice)|canned program|copy paste)"
            ),
            M,
        ),
        (
            (
                r"(?:my|a) (?:body|metabolism|genetics|case|situation)(?: s)? (?:is|are|"
                r"just)? ?(?:different|weird|stubborn|broken|unique|special|complicated)"
            ),
            M,
        ),
        (r"(?:hard to|dont|cant|difficult to) (?:believe|trust|buy)", S),
        (r"(?:i|we) (?:doubt|question) (?:it|that|this|whether|if)", S),
        (
            (
                r"(?:results|claims|numbers|testimonials|promises)(?: s)? (?:seem|sound|"
                r"look|are) (?:too|fake|exaggerated|made up|unrealistic|inflated)"
            ),
            S,
        ),
        (
            (
                r"(?:sounds|seems|looks) (?:too |a bit |kind of |a little )?(?:fishy|"
                r"sketchy|shady|suspicious|salesy|scripted|like hype|unrealistic)"
            ),
            S,
        ),
        (
            (
                r"(?:not sure|dont know|unsure|wonder|doubt) (?:if |whether |that )?(?:i|"
                r"id|i will|i would|ill|i can|i could) (?:stick|actually|really|ever|keep|"
                r"be able|see|get|follow|commit)"
            ),
            M,
        ),
        (
            (
                r"(?:fitness|health|wellness|weight loss|diet)? ?(?:industry|coaches|"
                r"programs|gurus|influencers)(?: s)? (?:are|is) (?:all )?(?:a |"
                r"full of )?(?:scam|scams|nonsense|garbage|hype|bs|rubbish)"
            ),
            S,
        ),
        (
            (
                r"(?:im|i am) (?:a )?(?:bit |little |very |really |pretty |"
                r"kind of )?(?:hesitant|unsure|uncertain)(?: about (?:this|it|that|"
                r"coaching|the program|whether))?"
            ),
            M,
        ),
        # Doubt about one's age or genes, the method, or talking to an automated agent
        # (issue 13).
        (
            (
                r"(?:too old|getting too old|too late in life|past my prime|over the hill) "
                r"(?:for|to)|(?:am i|im|i am|arent we|were) (?:a bit |way |just )?too old|"
                r"old dog new tricks|at my age (?:i doubt|i dont think|its too late|"
                r"nothing|theres no|what can|how much)"
            ),
            S,
        ),
        (
            (
                r"bad genes|(?:my |in my )?genetics (?:are|is) against me|(?:its|thats|"
                r"its all|all|just) (?:in my )?(?:genetic|genetics|genes|in the genes)|"
                r"(?:fight|beat|change|against) (?:my )?(?:genetics|genes|dna)|"
                r"no (?:program|coach|diet|app|plan|trainer) (?:is going to|will|can|"
                r"could|would) (?:fix|change|help)"
            ),
            S,
        ),
        (
            (
                r"(?:not|never|wont|dont|cant) (?:be )?(?:taking|take|listen to|listening to|"
                r"trust|trusting|getting|get) (?:health |fitness |diet |any |my |medical )?"
                r"(?:advice|coaching|help|orders|instructions|tips) from (?:a |an )?"
                r"(?:machine|robot|bot|computer|ai|algorithm|chatbot)|"
                r"(?:talking|speaking|chatting|talk|speak) (?:to|with) (?:a |an |some )?"
                r"(?:robot|bot|machine|computer|ai|chatbot|recording|algorithm)|"
                r"(?:are you|is this|youre|its) (?:just )?(?:a |an )?(?:robot|bot|"
                r"machine|computer|chatbot|recording|ai)|(?:advice|coaching|help|"
                r"orders|instructions) from (?:a |an )?(?:machine|robot|bot|computer|"
                r"ai|algorithm|chatbot)|(?:an|a|the|some) (?:ai|robot|bot|machine|"
                r"computer|algorithm|chatbot) (?:know|knows|understand|understands|"
                r"tell me|coach|get|gets)"
            ),
            S,
        ),
        (
            (
                r"(?:probably|likely|most likely|prob) (?:wont|will not|doesnt|isnt "
                r"going to|not going to|wouldnt|would not) (?:even )?(?:work|help|last|"
                r"stick|do anything)|(?:dont|do not|dont really) (?:believe|buy) (?:into|"
                r"in) (?:this|that|it|the|these|your|any)|(?:doubt|dont think) (?:my|"
                r"the) (?:body|metabolism) (?:will|would|can|is going to|could) "
                r"(?:respond|change|react|adapt)"
            ),
            S,
        ),
    ),
    "has_alternative": (
        (
            (
                r"(?:trainer|coach|nutritionist|dietitian|personal trainer|gym membership|"
                r"gym|physio|peloton|chef|personal chef|nutrition coach|meal service|"
                r"meal plan) already|(?:company|employer|work|corporate|office|"
                r"firm)(?: s)? (?:wellness|fitness|health|gym|"
                r"corporate wellness) (?:program|plan|benefit|membership|stipend|coach|"
                r"coaching)"
            ),
            S,
        ),
        (
            (
                r"(?:my|our) (?:mate|friend|buddy|brother|sister|cousin|neighbor|"
                r"neighbour|wife|husband|partner|son|daughter|brother in law|"
                r"best friend) (?:is|s) (?:a |an )?(?:personal trainer|trainer|coach|"
                r"nutritionist|dietitian|physio|pt|fitness instructor)|(?:follow|do|"
                r"have) (?:a |the )?(?:plan|program|programme|routine) (?:from|by|"
                r"that) (?:my|a|the) (?:physio|trainer|coach|doctor|nutritionist|app|"
                r"dietitian)"
            ),
            S,
        ),
        (
            (
                r"(?:figure|work|sort) (?:it|this|that|things) out (?:on my own|myself|"
                r"by myself|alone)|(?:handle|manage|do) (?:it|this|that) (?:on my own|"
                r"myself|by myself|alone)|(?:myself|on my own) with (?:some |an |"
                r"a few )?(?:apps?|youtube|videos|an app|chatgpt|google)"
            ),
            S,
        ),
        (
            rf"(?:already|currently|right now|at the moment|for years|"
            rf"for a while) (?:have|got|use|using|"
            rf"working with|work with|see|seeing|go to|going to|goes to|pay for|"
            rf"paying for|train with|"
            rf"training with|do|doing|in|on|part of|belong to|signed up|enrolled|member|a member|"
            rf"with|subscribe to|subscribed to|follow|following|hired|booked|"
            rf"have got) (?:for |to |with |of |at |in )?(?:a |an |my |our |the |some |"
            rf"one |this |two |three |"
            rf")?(?:own |personal |private |regular |great |good |really good |"
            rf"amazing |local |online |"
            rf"free |full time |company )?{_ALT}",
            S,
        ),
        (
            rf"(?:i|we|ive|weve|i ve) (?:have|got|use|am using|m using|been using|"
            rf"been working with|"
            rf"work with|see|been seeing|go to|pay for|train with|belong to|am in|m in|do|follow|"
            rf"have been doing|been going to|have been going to) (?:a |an |my |our |"
            rf"the |some |one |"
            rf")?(?:own |personal |private |regular |great |good |really good |"
            rf"amazing |local |online |"
            rf"free |full time |company )?{_ALT}(?! (?:s |recommendation|appointment|said|told))",
            M,
        ),
        (
            (
                r"(?:my|our) (?:own |personal |current )?(?:coach|trainer|"
                r"personal trainer|pt|nutritionist|dietitian|dietician|gym|peloton|"
                r"home gym|workout routine|routine|running coach|health coach|trainer s|"
                r"trainers|crossfit box|yoga teacher|pilates instructor|instructor|"
                r"meal plan|diet plan|workout plan) (?:and i|has me|gives me|does|helps|"
                r"keeps|takes care|handles|is great|is good|works)"
            ),
            S,
        ),
        (
            (
                r"(?:i|we)(?: already| just| usually| mostly)? (?:have|got) (?:a|my|"
                r"our) (?:coach|trainer|personal trainer|nutritionist|dietitian|"
                r"gym membership|peloton|home gym)"
            ),
            S,
        ),
        (
            (
                r"(?:train|work out|workout|exercise|run|lift|do it|do this|manage|"
                r"figure it out|handle it|handle this|do my own thing|"
                r"do things) (?:on my own|by myself|alone|myself|solo|at home on my own|"
                r"my own way|on our own)"
            ),
            S,
        ),
        (
            (
                r"(?:prefer|rather|like|happier|better|happy) (?:to )?(?:train|train ing|"
                r"work out|working out|do it|doing it|exercise|exercising|go|be) (?:alone|"
                r"on my own|by myself|solo|myself)"
            ),
            S,
        ),
        (
            (
                r"(?:i just|i|i usually|i mostly|we just|we) (?:use|watch|follow|do|"
                r"look up|google|search|find) (?:stuff |things |workouts |videos |"
                r"routines )?(?:on )?(?:youtube|videos|an app|apps|peloton|instagram|"
                r"tiktok|online videos|free videos|a free app|chatgpt|google|reddit|"
                r"podcasts|online)"
            ),
            S,
        ),
        (
            (
                r"(?:company|employer|work|job|office|firm|insurance|corporate|employers|"
                r"companys) (?:already |also |even )?(?:has|have|offers|provides|gives us|"
                r"pays for|already pays|covers|gave us|runs) (?:a |an |its own |"
                r"their own |our own )?(?:wellness|gym|fitness|health|coaching|program|"
                r"benefit|membership|coach|trainer|nutritionist)"
            ),
            S,
        ),
        (
            (
                r"(?:doctor|physician|cardiologist|endocrinologist|physio|"
                r"physical therapist|nutritionist|dietitian)(?: s)? (?:has|have|put|"
                r"already put|got) me on (?:a |an )?(?:plan|program|diet|regimen|protocol|"
                r"routine)"
            ),
            S,
        ),
        (
            (
                r"(?:signed up|enrolled|joined|registered|subscribed|bought|"
                r"purchased) (?:for |with |to |at |in )?(?:a |an |the )?(?:gym|program|"
                r"app|coach|trainer|challenge|bootcamp|boot camp|class|studio|crossfit|"
                r"orangetheory|noom|weight watchers|membership|peloton|course)"
            ),
            M,
        ),
        (
            (
                r"(?:can|could) (?:get|find|do|learn|watch) (?:this|that|it|the same|"
                r"all that|all this|the same stuff|the same thing|most of this|"
                r"everything) (?:for free|online|on youtube|on my own|myself|free|"
                r"from an app|with an app|for less)"
            ),
            S,
        ),
        (
            (
                r"(?:im|i am|been|ive been|weve been|we are|were) (?:working|training|"
                r"doing sessions|doing coaching) with (?:someone|somebody|a|my|our|an)"
            ),
            S,
        ),
        (
            (
                r"(?:crossfit|orangetheory|orange theory|f45|peloton|noom|weight watchers|"
                r"myfitnesspal|equinox|soulcycle|barrys|tonal|beachbody|whoop|fitbod|"
                r"future fitness|trainerize)"
            ),
            M,
        ),
        (
            (
                r"(?:i|we) (?:go|head|get) to (?:the|my|a) (?:gym|club|studio|box|pool|"
                r"yoga|pilates|class)"
            ),
            M,
        ),
        (
            (
                r"(?:i|we) (?:run|cycle|swim|lift|hike|play tennis|play golf|do yoga|"
                r"do pilates|do crossfit) (?:every|each|most|a few|three|four|five|twice|"
                r"on|already)"
            ),
            M,
        ),
        (
            (
                r"(?:happy|satisfied|fine|good|content) with (?:my|our|the) (?:current |"
                r"own )?(?:coach|trainer|gym|routine|program|plan|app|nutritionist|setup|"
                r"set up)"
            ),
            S,
        ),
        (
            (
                r"(?:self taught|do it all myself|my own program|my own plan|"
                r"my own routine|design my own|write my own|on my own program)"
            ),
            S,
        ),
        (r"(?:do|doing) my own (?:thing|workouts|training|program|routine)", S),
        (
            (
                r"(?:could|can|might as well) (?:just )?(?:get|buy|join|use|hire|"
                r"do) (?:a |an )?(?:gym|membership|gym membership|app|trainer|"
                r"personal trainer|youtube|class|classes) (?:for|instead|and)"
            ),
            M,
        ),
    ),
    "needs_approval": (
        (
            (
                r"(?:go|run it|run this|put it|put this) through (?:procurement|finance|"
                r"hr|legal|the company|the board|accounts|purchasing|our finance team|"
                r"compliance)|(?:want|need|have|get) (?:my|the) (?:gp|doctor|doc|"
                r"physician|cardiologist|physio|surgeon) to (?:ok|okay|approve|sign off|"
                r"clear|give the green light)"
            ),
            S,
        ),
        (
            r"(?:talk|speak|check|discuss|chat|confer|consult|clear|sync|touch base|bounce|go over|"
            r"loop in|bring|square|sort|figure|decide|coordinate|confirm|talking|speaking|checking|"
            r"discussing|consulting|clearing|run it|run this|run that|running it|"
            r"running this|ask|asking|run things|think it over|"
            r"think about it|look at it|look at this|look it over|go through it|review it) "
            r"(?:it |this |that |things |everything |something |the idea |the numbers |the price |"
            r"the cost |about it |about this |about that |over |it over |this over |"
            r"it up |this up |"
            r"it out |this out |it off |this off )?(?:with |to |by |past |up with |"
            r"over with |off |by )?"
            rf"(?:my |our |the |his |her )(?:own )?{_APPROVER}\b(?! (?:appointment|visit|office))",
            S,
        ),
        (
            r"(?:get|getting|need|needs|want|wait for|waiting for|waiting on|"
            r"wait on) (?:the |an? )?"
            r"(?:ok|okay|approval|permission|go ahead|green light|buy in|sign off|nod|"
            r"blessing|yes) "
            rf"(?:from|of) (?:my |our |the )?{_APPROVER}",
            S,
        ),
        (
            rf"(?:my|our|the) {_APPROVER} (?:has to|have to|would have to|needs to|"
            rf"need to|will have to|"
            rf"must|should|has the final|makes the|handles|controls|manages|would need to|"
            rf"has a say|decides|would want|would kill me|would have to sign|"
            rf"has to sign|has to approve|"
            rf"would have to weigh in|would want to weigh in|has to weigh in|will want|"
            rf"takes care of the|has to agree|needs to agree|has to okay|"
            rf"has to ok|would need to approve|has final|has veto|would never|wont let|will kill|"
            rf"has to be on board|needs to be on board|is the one|approves|signs off|"
            rf"holds the purse)",
            S,
        ),
        (
            (
                r"(?:needs|need|have|has|would have|will have|would need|will need|"
                r"got) to (?:be )?(?:approved|approve|sign off|signed off|okayed|ok it|"
                r"okay it|greenlit|green lit|sanctioned|authorized|authorised)"
            ),
            S,
        ),
        (
            (
                r"(?:approval|sign off|permission|buy in|green light|blessing|go ahead|"
                r"okay|ok|consent|clearance) (?:from|of|by) (?:my |our |the )?"
            ),
            S,
        ),
        (
            (
                r"(?:get|need|needs|requires|require|getting|without) (?:an |the |"
                r"a )?(?:approval|sign off|permission|the ok|the okay|the green light|"
                r"buy in|a purchase order|a po|authorization|authorisation|clearance|"
                r"medical clearance|the go ahead)"
            ),
            S,
        ),
        (
            (
                r"(?:expense|expensing|reimburse|reimbursed|invoice) (?:it|this|that|"
                r"through)|(?:put|run) (?:it|this) through (?:the company|work|"
                r"the business|my company|expenses)"
            ),
            M,
        ),
        (
            (
                r"(?:company|work|employer|my firm|the firm|the business|my business|"
                r"corporate|the office)(?: s)? (?:would|will|has to|needs to|might|could|"
                r"can|should|usually) (?:pay|cover|reimburse|approve|sponsor|fund|"
                r"foot the bill)"
            ),
            M,
        ),
        (
            (
                r"(?:not|isnt|wasnt) (?:just |only |entirely |solely |really |"
                r"completely )?(?:my|up to me|me who) (?:decision|call|money|choice|"
                r"to decide|decides)|not (?:only |just |entirely )?up to me"
            ),
            S,
        ),
        (
            (
                r"(?:we|i) (?:decide|make decisions|make these decisions|"
                r"make big decisions|do things|make purchases|make big purchases|"
                r"spend money) (?:together|as a family|as a couple|as a team|jointly)|"
                r"joint decision|decide together|(?:a |the )?family decision|team decision"
            ),
            S,
        ),
        (
            (
                rf"(?:decide|decisions?|decision|choices) (?:[a-z]+ ){{0,2}}together|(?:my|"
                rf"our) {_SPOUSE} and i (?:[a-z]+ ){{0,3}}(?:decide|make|discuss|talk|"
                rf"agree|choose)"
            ),
            S,
        ),
        (
            (
                r"(?:doctor|physician|cardiologist|physio|surgeon|therapist|"
                r"doc)(?: s)? (?:clearance|approval|ok|okay|sign off|permission|"
                r"green light|blessing)"
            ),
            S,
        ),
        (
            (
                r"(?:cleared|clearance|clear|approved|okayed) (?:by|from|with) (?:my |"
                r"the |a )?(?:doctor|physician|cardiologist|physio|surgeon|therapist|doc)"
            ),
            S,
        ),
        (
            (
                rf"(?:what|see what|hear what|know what) (?:my|our|"
                rf"the) {_APPROVER} (?:thinks|think|says|say|would say|will say|has to say|"
                rf"feels)"
            ),
            S,
        ),
        (
            (
                rf"(?:without|before) (?:talking|speaking|checking|asking|consulting|"
                rf"discussing it) (?:to|with)? ?(?:my|our|the) {_APPROVER}"
            ),
            S,
        ),
        (
            (
                rf"(?:my|our) {_APPROVER} (?:and i|and me) (?:need|have|would|will|decide|"
                rf"should|talk|discuss)"
            ),
            S,
        ),
        (
            (
                rf"(?:my|our|the) {_SPOUSE} (?:handles|does|manages|controls|runs) (?:the |"
                rf"our |all the )?(?:money|finances|budget|bills|checkbook|spending|"
                rf"accounts)"
            ),
            S,
        ),
    ),
    "not_interested": (
        (
            (
                r"cheers but no|thanks but no thanks|no cheers|cheers no|(?:remove|"
                r"delete) (?:my|this) (?:number|name|details|information)"
            ),
            S,
        ),
        (
            (
                r"(?:not|no longer|never been|never) (?:really |at all |even |that |very |"
                r"too |remotely |particularly |currently |actually |honestly )?interested"
                r"(?! in (?!(?:it|this|that|coaching|a coach|the program|the offer|your|"
                r"any|anything|buying|"
                r"signing|paying|hearing|talking|a program|programs|services|changing)\b))"
            ),
            S,
        ),
        (r"(?:no|zero|little) interest", S),
        (
            (
                r"(?:not|isnt|wasnt|aint) (?:really |just |quite |exactly |"
                r"honestly )?(?:for me|for us|my thing|my cup of tea|my style|my jam|"
                r"something (?:i|we) need|something im interested in|"
                r"something im looking for|what (?:i|we) need|for people like me)"
            ),
            S,
        ),
        (
            (
                r"no thanks|no thank you|thanks but no|thank you but no|no but thanks|"
                r"ill pass|i will pass|(?:going to|gonna|have to|will|well|got to|gotta|"
                r"im going to|i think ill|ill have to) pass|pass on (?:this|that|it)|"
                r"hard pass|(?:im|i am|were) (?:going to )?pass(?:ing)?"
            ),
            S,
        ),
        (
            r"(?:im|i am|were|we are|i feel|feel|im feeling|doing|"
            r"im doing) (?:totally |perfectly |really |pretty |just |quite |honestly |"
            r"all )?"
            r"(?:fine|good|ok|okay|happy|great|all set|set|content|satisfied|alright|all right) "
            r"(?:as im|as i am|as is|as we are|the way im|the way i am|"
            r"the way things are|the way it is|with (?:what|where|how) (?:i|im|"
            r"things)|on my own|without|thanks|thank you|for now|right now|"
            r"at the moment)",
            S,
        ),
        (
            (
                r"(?:i feel|feeling|im feeling|i am feeling) (?:really |pretty |totally |"
                r"just )?(?:great|fine|good|fantastic|amazing|healthy)"
            ),
            W,
        ),
        (
            (
                r"(?:dont|do not|really dont|honestly dont|just dont) (?:really )?(?:need|"
                r"want) (?:this$|that$|it$|(?:this|that|it) (?:right now|thanks|thank you|"
                r"at all)|coaching|a coach|any coaching|a trainer|any help$|help$|your help|"
                r"your service|your services|your program|a program|anything|"
                r"to be coached|another|someone|somebody|any of this|any of that|"
                r"what youre selling|to buy|to sign up|to hear)"
            ),
            S,
        ),
        (
            (
                r"(?:stop|quit|dont|do not|never) (?:calling|call|ringing|contacting|"
                r"bothering|texting|emailing) (?:me|us|this number)?(?: again| anymore|"
                r" back)?"
            ),
            S,
        ),
        (
            (
                r"(?:take|remove|put|delete|scratch) (?:me|us|my number|my name|"
                r"my information) (?:off|from|on) (?:your|the|this|that) (?:list|"
                r"do not call|call list|database|calling list|register|system)|"
                r"do not call list|unsubscribe"
            ),
            S,
        ),
        (
            (
                r"leave me alone|how did you get (?:my|this) number|lose my number|(?:im|"
                r"i am) (?:going to )?hang(?:ing)? up|hanging up now"
            ),
            S,
        ),
        (
            (
                r"(?:not|isnt) (?:what|something|anything) (?:im|i am|were|we are|i was|i|"
                r"we) (?:looking for|after|want|need|into)"
            ),
            S,
        ),
        (
            (
                r"(?:not|im not|were not|arent) (?:looking for|in the market for|"
                r"shopping for|after) (?:anything|a coach|coaching|this|that|help|"
                r"a program|that kind of thing|that sort of thing|a trainer|"
                r"anything like that|any)"
            ),
            S,
        ),
        (r"(?:dont|do not|cant) (?:really )?see (?:the|a|any) (?:point|need|value|reason)", S),
        (
            (
                r"(?:no|dont have (?:a|any)|dont see a|theres no|"
                r"see no) (?:real )?(?:need|use|reason|point) (?:for (?:it|this|that|"
                r"coaching|a coach|me)|to (?:change|bother|do (?:it|this|that)))"
            ),
            S,
        ),
        (r"(?:waste of (?:my|our) time|wasting (?:my|our) time|dont waste (?:my|your) time)", M),
        (
            (
                r"(?:already|im|i am|were|we are|im in|in) (?:in )?(?:really |very |"
                r"pretty |quite )?(?:good|great|decent|pretty good|fine|excellent|top|"
                r"peak|solid|fantastic) shape"
            ),
            M,
        ),
        (
            (
                r"(?:never|not) (?:going to|gonna|ever going to) (?:happen|do (?:it|this|"
                r"that)|buy|sign up|pay for)|not (?:going to|gonna) happen|no way jose|"
                r"not a chance|forget it|not in a million years"
            ),
            S,
        ),
        (r"(?:please )?dont (?:bother|waste)", M),
        (
            (
                r"(?:not|never) (?:really |that |very |too |much |a big |big )?(?:into|"
                r"a fan of|big on|keen on|the type for|someone who does) (?:this|that|"
                r"coaching|fitness|working out|exercise|programs|this sort|this kind|"
                r"that sort|that kind|gyms|coaches)"
            ),
            S,
        ),
        (
            (
                r"(?:dont think|not sure|dont feel like) (?:this|it|that|coaching|a coach|"
                r"a program)(?: is| s| would be)? (?:something|anything) (?:i|"
                r"we) (?:really )?(?:need|want|would use)|(?:not|isnt) (?:something|"
                r"anything) (?:i|we) (?:really )?(?:need|want)"
            ),
            S,
        ),
        (
            (
                r"^(?:no|nah|no thanks|no thank you|nope|no no)(?: thanks|"
                r" thank you)? (?:im|were|i am) (?:good|fine|all good|all set|okay|set|"
                r"alright)"
            ),
            S,
        ),
        (
            (
                r"(?:doesnt|does not|dont|do not) (?:really )?(?:interest|appeal to|"
                r"apply to) (?:me|us)|(?:doesnt|does not) apply"
            ),
            S,
        ),
        (
            (
                r"(?:im|i am|were|we are) (?:happy|fine|good|ok|okay|set|all set) (?:with|"
                r"doing) (?:my|our|what|how|the way)"
            ),
            M,
        ),
        (
            (
                r"(?:i|we) (?:dont|do not|never) see (?:a |any )?(?:problem|"
                r"issue|issues|problems) (?:with|to fix|to solve)"
            ),
            M,
        ),
        (r"^(?:no|nope|nah|no no|no sorry|sorry no)$", M),
        # Curt refusals and slang for "no way" (issue 13).
        (
            (
                r"count (?:me|us) out|(?:thats|its|this is|yes no|no|so|just)? ?not happening|"
                r"no dice|no can do|(?:thats|its) a no(?: from me| for me)?$|"
                r"im (?:out|good on that)$|not a snowball s chance|over my dead body|"
                r"when pigs fly"
            ),
            S,
        ),
        # "No way!" is also surprise.
        (r"^no way(?: man| dude| bro| sorry| thanks)?$", M),
        # No perceived need, said outright (TAXONOMY: "not for me, stop calling").
        (
            (
                r"(?:do not|dont|don t) (?:really )?care (?:about|for) (?:this|that|any of "
                r"(?:this|that)|this stuff|that stuff|it)|(?:do not|dont|don t) do coaching|"
                r"do not call list|not now(?: and)? not ever|"
                r"(?:do not|dont|don t) need (?:a stranger|anybody|anyone|somebody|someone) "
                r"telling me"
            ),
            S,
        ),
    ),
}

OBJECTION_CANCELS: Final[CancelTable] = {
    "price": (
        (
            r"(?:dont|do not|never) (?:have|had|see) (?:a |any |"
            r"much of a )?(?:problem|issue|concern) (?:with|about) (?:the )?(?:price|"
            r"cost|money|investment|budget|paying)"
        ),
        (
            r"(?:its|this|it|thats|that|is|s)? ?(?:not|isnt|wasnt|never) (?:really |"
            r"just |actually |so much |even |at all |necessarily |only )?(?:about|"
            r"because of|a question of|down to|due to|over) (?:the )?(?:money|price|"
            r"cost|budget|pricing|dollars|fee|fees|investment)"
        ),
        (
            r"(?:money|price|cost|budget|pricing|the money|the price|the cost|"
            r"affordability|the investment|investment|the budget)(?: s)? (?:is|s|isnt|"
            r"wasnt|was|would|will)? ?(?:not|isnt|never|no|nt|not really|really not|"
            r"definitely not|honestly not) (?:really |actually |even |at all )?(?:a |"
            r"an |the |my |our )?(?:issue|problem|concern|factor|obstacle|object|"
            r"question|thing|deal|worry|hurdle|barrier|big deal)"
        ),
        (
            r"(?:not|never|no longer) (?:worried|concerned|bothered|fussed|stressed|"
            r"nervous|hung up) (?:about|over|by|with) (?:the )?(?:money|price|cost|"
            r"budget|investment|fees|pricing|paying|what (?:it|this|that) (?:would |will )?"
            r"costs?)"
        ),
        (
            r"(?:i|we) (?:can|could) (?:easily |definitely |totally |certainly |"
            r"absolutely |comfortably )?afford"
        ),
        r"(?:money|cost|price)(?: s)? (?:is )?no (?:object|issue|problem)",
        (
            r"(?:price|cost|pricing|the price|the cost|it|that|fee|the fee|monthly fee|"
            r"the rate|investment)(?: s)? (?:is |seems |sounds |looks )?(?:totally |perfectly |"
            r"very |quite |pretty |really )?(?:fine|fair|reasonable|affordable|okay|"
            r"not bad|worth it|a steal|cheap|good value|great value)"
        ),
        r"(?:have|got|set aside|put aside) (?:the|a|enough|plenty of) (?:budget|money|funds|cash)",
        (
            r"budget(?: s)? (?:is |was )?(?:fine|not an issue|there|approved|"
            r"available|sorted|covered|no problem|ready)"
        ),
        r"(?:happy|willing|ready|glad|prepared) to (?:pay|invest|spend)",
    ),
    "time": (
        (
            r"(?:not|never|no longer) (?:worried|concerned|bothered|fussed|stressed|"
            r"nervous|hung up) (?:about|over|by|with) (?:the )?(?:time|schedule|"
            r"timing|time commitment|my schedule|my calendar|finding time|"
            r"fitting it in)"
        ),
        (
            r"(?:time|schedule|timing|my schedule|my calendar|the time commitment|"
            r"the schedule|availability)(?: s)? (?:is|s|isnt|wasnt|was|would|"
            r"will)? ?(?:not|isnt|never|no|not really|really not|"
            r"definitely not) (?:really |actually |even |at all )?(?:a |an |the |my |"
            r"our )?(?:issue|problem|concern|constraint|factor|obstacle|thing|worry|"
            r"hurdle|barrier)"
        ),
        (
            r"(?:its|this|it|thats|that)? ?(?:not|isnt|wasnt) (?:really |just |"
            r"actually )?(?:about|because of|a question of|down to) (?:the )?(?:time|"
            r"schedule|timing|my schedule|being busy)"
        ),
        (
            r"(?:i|we) (?:have|got|ve got|have got) (?:the |plenty of |enough |"
            r"a lot of |lots of |loads of |some )?(?:time|free time|flexibility|"
            r"spare time)"
        ),
        (
            r"(?:i can|ill|i will|i always|i|we can|well|i could|id) (?:definitely |"
            r"totally |always |easily )?(?:make|find|carve out) (?:the )?time"
        ),
        (
            r"(?:schedule|calendar|time|hours)(?: s)? (?:is |are )?(?:pretty |very |"
            r"super |quite |totally )?(?:flexible|open|free|wide open|clear|"
            r"manageable)"
        ),
    ),
    "think_it_over": (
        (
            r"(?:dont|do not|dont really) (?:need|have) to (?:think|wait|sleep on|"
            r"mull|consider|look into)"
        ),
        r"no (?:need|reason) to (?:think|wait|sleep on|mull|hold off|delay)",
        r"nothing (?:to|more to|else to) think (?:about|over)",
        r"(?:no|dont need (?:any|more)) time to think",
        (
            r"(?:ready|want|like|going|happy) to (?:start|go|commit|do it|sign|begin|"
            r"move forward) (?:now|today|right now|right away|immediately|asap)"
        ),
        r"(?:already|ive|i have|i) (?:thought|decided|made up my mind)",
    ),
    "skepticism": (
        (
            r"(?:i )?(?:believe|trust|know) (?:it|this|that|you|coaching|that this|"
            r"this stuff|the program) (?:works|can work|will work|would work|"
            r"could work)"
        ),
        r"(?:im|i am|were) (?:totally |completely |fully )?(?:convinced|sold|a believer)",
        r"(?:not|never) (?:skeptical|sceptical|doubtful|cynical)",
        r"(?:i )?(?:trust|believe in) (?:you|coaching|the process|this|it)",
    ),
    "has_alternative": (
        (
            r"(?:dont|do not|never|didnt) (?:have|had|use|go to|belong to|work with|"
            r"see) (?:a |an |any |my )?(?:own )?(?:coach|trainer|personal trainer|gym|"
            r"gym membership|program|nutritionist|dietitian|app|membership|routine|"
            r"plan)"
        ),
        (
            r"(?:quit|stopped|cancelled|canceled|left|dropped|gave up|ended|lost|"
            r"fired) (?:my |the |our )?(?:gym|trainer|coach|membership|program|app|"
            r"personal trainer|nutritionist|routine)"
        ),
        r"(?:no|without a|without any) (?:coach|trainer|gym|program|membership|routine|plan)",
        r"(?:used to|once) (?:have|had|go|use|see|work with)",
    ),
    "needs_approval": (
        (
            r"(?:dont|do not|no|wont|never) (?:need|have|got) to (?:ask|check with|"
            r"talk to|consult|run it by|get approval|get permission|clear it|check|"
            r"talk|run|get)"
        ),
        (
            r"(?:its|it is|thats)? ?(?:my|all my|entirely my|completely my|"
            r"totally my) (?:decision|call|money|choice)"
        ),
        (
            r"(?:i|we) (?:decide|make the decisions|make the call|call the shots|"
            r"make my own decisions|make my own choices|handle the finances|"
            r"control the budget|am the decision maker|have the final say|"
            r"dont need permission|dont need approval)"
        ),
        (
            r"(?:up to|on) me(?: alone)?$|(?:its|it is) up to me|(?:im|"
            r"i am) the (?:boss|decision maker|one who decides)"
        ),
        r"no (?:approval|permission|sign off) (?:needed|required|necessary)",
        (
            r"(?:nobody|no one|noone|dont need anyone|not anyone) (?:else )?(?:to |"
            r"needs to |has to )?(?:approve|sign off|ask|consult|check with)"
        ),
        (
            rf"(?:{_SPOUSE}|boss|manager|doctor|company)(?: s| is)? (?:totally |fully |"
            rf"already |completely )?(?:on board|fine with it|supportive|agreed|agrees|"
            rf"wants me to|told me to|said yes|said go|already said|approved|"
            rf"signed off|cleared me|all for it|encouraging me|pushing me)"
        ),
    ),
    "not_interested": (
        (
            r"(?:im|i am|were|we are|very|really|definitely|quite|actually|super|"
            r"genuinely|pretty|i m|still|truly|certainly) (?:very |really |"
            r"definitely |quite |actually |super |genuinely |pretty |still |truly |"
            r"somewhat |kind of |a bit |a little )?interested"
        ),
        r"(?:sounds|seems|looks) (?:interesting|good|great|promising)",
    ),
}

NEEDS: Final[RuleTable] = {
    "weight_loss": (
        (
            (
                r"(?<!gain )(?<!put on )(?<!lift )weight(?! training| lifting| room|"
                r" bench| vest| watchers| lifting)"
            ),
            W,
        ),
        (r"(?:get|getting|be|look) (?:lean|leaner)|lean out|leaner", S),
        (
            (
                r"shift (?:a few |a couple of |some |the |a bit of |a |"
                r"[a-z0-9]+ )?(?:stone|pounds|kilos|weight|lbs|belly|timber|flab)"
            ),
            S,
        ),
        (
            r"(?:lose|losing|lost|drop|dropping|shed|shedding|cut|cutting|get rid of|burn|burning|"
            r"take off|taking off|melt|trim|trimming|knock off|knock|lose a|reduce|"
            r"reducing|get down) "
            r"(?:some |a few |the |a little |a lot of |my |this |that |those |these |"
            r"extra |excess |"
            r"off |some of |some of the |the extra |a bit of |a couple |about |"
            r"around |like |maybe |at least |"
            r"[a-z0-9]+ )*(?:weight|pounds|lbs|kilos|kilograms|kg|fat|body fat|belly|belly fat|gut|"
            r"stomach|inches|love handles|beer belly|baby weight|dad bod|spare tire|"
            r"muffin top|flab|"
            r"sizes|dress sizes|pant sizes|stone|waist|waistline|weight gain|middle)",
            S,
        ),
        (
            (
                r"weight ?loss|fat ?loss|lose weight|loose weight|loose wait|lose wait|"
                r"slim down|slimming|get slimmer|"
                r"get thinner|get leaner|lean out|slim|trim down|shape up"
            ),
            S,
        ),
        (r"(?:overweight|obese|obesity|chubby|chunky|flabby|pudgy|plus size|bmi|body mass)", S),
        (
            (
                r"(?:gained|put on|packed on|piled on|gaining|putting on|picked up|"
                r"i gained) (?:[a-z0-9]+ ){0,3}(?:weight|pounds|lbs|kilos|kg|fat|belly|"
                r"stone)"
            ),
            S,
        ),
        (
            (
                r"(?:weight|pounds|kilos|belly|gut|fat|waistline|scale)(?: s)? (?:gain|"
                r"crept|creeping|piling|keeps going up|went up|going up|keeps climbing|"
                r"climbing|has crept|is growing|growing)"
            ),
            S,
        ),
        (
            (
                r"(?:my|a|the|this|beer|big|growing) (?:belly|gut|spare tire|muffin top|"
                r"love handles|double chin|beer belly|dad bod)"
            ),
            S,
        ),
        (
            (
                r"(?:fit|fitting|get) (?:back )?(?:into|in) (?:my|those|old|the|smaller|"
                r"a smaller) (?:[a-z]+ )?(?:clothes|jeans|pants|suit|suits|dress|dresses|"
                r"size|shirts|trousers)"
            ),
            S,
        ),
        (
            (
                r"(?:clothes|jeans|pants|suit|suits|shirts|belt)(?: s)? (?:dont|doesnt|"
                r"no longer|dont really|are too|is too|are getting|are) (?:fit|tight|"
                r"small|snug)"
            ),
            S,
        ),
        (
            (
                r"(?:im|i am|ive gotten|gotten|getting|got|im getting|become|i feel|feel|"
                r"look|i look) (?:a bit |a little |too |kind of |really |so |way |pretty |"
                r"very )?(?:heavy|heavier|fat|fatter|chubby|big|bigger|out of shape|soft|"
                r"flabby|bloated|round)"
            ),
            M,
        ),
        (
            (
                r"(?:on a diet|dieting|calorie deficit|counting calories|cut carbs|keto|"
                r"intermittent fasting|portion control|stop snacking|eat less|eating less|"
                r"lose the|weigh in|the scale)"
            ),
            W,
        ),
        (
            (
                r"(?:i weigh|weigh (?:about |around |like )?[a-z0-9]+|weighing [a-z0-9]+|"
                r"my weight|the weight|his weight|weight issue|weight problem)"
            ),
            M,
        ),
        (
            (
                r"(?:[a-z0-9]+ )?(?:pounds|lbs|kilos|kg) (?:overweight|heavier|to lose|"
                r"to drop|off|down)"
            ),
            S,
        ),
    ),
    "muscle_gain": (
        (
            r"(?:build|building|gain|gaining|put on|putting on|add|adding|get|grow|"
            r"growing|increase|"
            r"increasing|bulk|bulking|pack on|keep|maintain|preserve|develop|more|regain|rebuild) "
            r"(?:some |more |a little |lean |a bit of |real |serious |a lot of |my |"
            r"back |up |[a-z]+ )?"
            r"(?:muscle|muscles|mass|muscle mass|size|strength|lean mass|lean muscle|"
            r"muscle tone|bulk)",
            S,
        ),
        (
            (
                r"(?:get|getting|become|be|feel|look|gets|got) (?:a lot |a bit |much |"
                r"way |more |really |physically )?(?:stronger|more muscular|ripped|jacked|"
                r"toned|buff|swole|shredded|muscular|fitter and stronger|strong again)"
            ),
            S,
        ),
        (
            (
                r"(?:pull ?ups?|push ?ups?|chin ?ups?|tone|toning|tone up|toned|firm up|"
                r"sculpt|sculpted|definition|defined|six pack|six-pack|abs|biceps|"
                r"bigger arms|arms|chest|glutes|upper body|shoulders|physique|"
                r"bodybuilding|hypertrophy)"
            ),
            M,
        ),
        (
            (
                r"(?:strength training|weight training|lifting|lift heavier|lift weights|"
                r"resistance training|bench|deadlift|squat|pull ups|pullups|push ups|"
                r"pushups|powerlifting|weightlifting|strong|strength|muscle|muscles|mass)"
            ),
            W,
        ),
        (
            (
                r"(?:muscle|strength|bone density)(?: s)? (?:loss|losing|going|declining|"
                r"is going|wasting)|losing (?:muscle|strength|mass)|sarcopenia"
            ),
            S,
        ),
        (
            (
                r"(?:im|i am|ive always been|always been|too|feel|look) (?:so |really |"
                r"too |pretty |kind of |a bit )?(?:weak|skinny|scrawny|skinny fat|frail|"
                r"puny|thin|flimsy|soft)"
            ),
            M,
        ),
        (r"(?:bulk up|beef up|bulk|gain weight|put on weight|gain some weight)", M),
    ),
    "health": (
        (
            r"(?:blood pressure|hypertension|high bp|cholesterol|ldl|hdl|triglycerides|glucose|"
            r"blood sugars?|sugar levels|a1c|hba1c|diabetes|diabetic|prediabetic|pre diabetic|"
            r"prediabetes|pre diabetes|insulin|insulin resistance|heart disease|heart attack|"
            r"heart health|heart condition|heart problems|cardiac|cardiovascular|fatty liver|"
            r"liver enzymes|metabolic syndrome|sleep apnea|apnea|longevity|live longer|lifespan|"
            r"healthspan|health scare|health issues|health problems|health reasons|blood work|"
            r"bloodwork|lab results|labs came back|my labs|my numbers|markers|biomarkers|statins|"
            r"statin|medication|meds|on pills|family history|runs in (?:my|the) family|cancer|"
            r"stroke|inflammation|gut health|hormones|hormonal|testosterone|low t|menopause|"
            r"perimenopause|thyroid|arteries|artery|bone density|osteoporosis|kidney|gout|"
            r"pre hypertension|cardiologist|endocrinologist|checkup|check up|annual physical|"
            r"physical exam|health markers|resting heart rate|vo2|vo2 max|asthma|reflux|"
            r"digestion|bloating|ibs|pcos|blood test|blood tests)",
            S,
        ),
        (r"through the roof", W),
        (
            (
                r"(?:doctor|doc|physician|gp|cardiologist)(?: s)? (?:said|told|says|"
                r"warned|wants|is worried|is concerned|recommended|suggested|scared)"
            ),
            S,
        ),
        (
            (
                r"(?:get|be|stay|feel|eat|live|getting|being|staying|feeling|eating|"
                r"living|become|much|lot|bit|way|more) (?:a lot |a bit |much |more |"
                r"really )?(?:healthier|healthy)"
            ),
            S,
        ),
        (
            (
                r"(?:my|our|his|her|overall|long term|general|better|good|improve my|"
                r"improving my|take care of my|taking care of my|about my|for my|"
                r"prioritize my|focus on my) health"
            ),
            S,
        ),
        (
            (
                r"(?:see|be around for|be there for|watch|keep up with) (?:my )?(?:kids|"
                r"grandkids|children|grandchildren|family) (?:grow up|graduate|"
                r"get married|for a long time|for years)|be around (?:for|longer)|(?:live|"
                r"living) (?:a )?(?:long|longer|long healthy) (?:life|time)|(?:age|aging|"
                r"ageing) (?:well|gracefully|better)|healthy aging|healthy ageing"
            ),
            S,
        ),
        (r"health|healthy|healthier|wellbeing|well being|metabolism|metabolic", W),
    ),
    "stress": (
        (
            r"(?:stress|stressed|stressful|stressing|anxiety|anxious|burnout|burn out|burned out|"
            r"burnt out|burning out|overwhelmed|overwhelm|overwhelming|panic attacks?|panic|"
            r"cant switch off|cant turn off|cant unplug|cant disconnect|cant relax|cant unwind|"
            r"cant shut off|cant shut my brain|wound up|on edge|frazzled|frayed|mental health|"
            r"depressed|depression|irritable|short fuse|short tempered|snapping at|insomnia|"
            r"cant sleep|cant fall asleep|cant stay asleep|dont sleep|barely sleep|hardly sleep|"
            r"not sleeping|poor sleep|bad sleep|sleep badly|sleep poorly|"
            r"sleep terribly|trouble sleeping|"
            r"sleep issues|sleep problems|sleep quality|sleep better|better sleep|"
            r"wake up at|waking up at|"
            r"wake up in the middle|waking up in the middle|tossing and turning|racing mind|"
            r"lying awake|lie awake|lay awake|laying awake|awake at night|up all night|"
            r"racing thoughts|mind racing|mind wont stop|mindfulness|meditation|meditate|cortisol|"
            r"work life balance|balance work|nervous wreck|breakdown|breaking point|"
            r"mental wellbeing|mental well being|mentally (?:exhausted|drained|fried|tired|done|"
            r"spent|checked out)|emotionally (?:drained|exhausted)|worn thin|at my wits end|"
            r"tense|tension|restless|restlessness|worried all the time|constant worry|"
            r"worrying all the time|"
            r"decompress|relax|relaxed|calmer|calm down|peace of mind|headspace|head space|"
            r"fried|frazzle|pressure at work|under (?:a lot of |so much |constant |huge |enormous |"
            r"tons of |immense )?pressure|high pressure|stressed out|"
            r"(?<!physical )therap(?:y|ist)|mood|"
            r"moody|grumpy|emotional eating|stress eating|eat when stressed)",
            S,
        ),
        (
            (
                r"(?:havent|hasnt|have not|not|never|barely|hardly) (?:really |properly |"
                r"actually )?(?:slept|had (?:a |one )?(?:decent|good|proper|full|"
                r"restful) (?:nights sleep|night s sleep|night of sleep|sleep|night))"
            ),
            S,
        ),
        (
            # a heavy workload told as why they call is a need, not a time objection
            # (TAXONOMY: unless it leaves no room for the program)
            (
                r"(?:work|job|business|company|office|firm|practice|clinic) (?:is|s|"
                r"has been|been) (?:just |really |so |pretty |super |"
                r"absolutely )?(?:crazy|insane|nuts|intense|demanding|brutal|killing me|"
                r"crushing me|eating me alive|relentless|overwhelming|all consuming)"
            ),
            M,
        ),
        (
            (
                r"(?:sleep|sleeping|recharge|switch off|wind down|unwind|mental|mentally|"
                r"emotional|emotionally|nerves|nervous|zen)(?! on (?:it|this|that)| apnea)"
            ),
            W,
        ),
        (
            (
                r"(?:cant|cannot|hard to|struggle to|never|dont) (?:turn|switch|"
                r"shut) (?:my brain|my mind|my head|it|things|work) off|(?:turn|switch|"
                r"shut) off (?:my brain|my mind|my head)"
            ),
            S,
        ),
    ),
    "energy": (
        (
            (
                r"(?:relying|rely|depend|depending|dependent|living|live|"
                r"running) on (?:coffee|caffeine|energy drinks|red bull|sugar|naps|"
                r"adrenaline)"
            ),
            S,
        ),
        (r"knackered|shattered|pooped|zonked|dead on my feet|bone tired|dog tired", S),
        (
            r"(?:energy|energized|energised|energetic|tired|tiredness|exhausted|exhaustion|fatigue|"
            r"fatigued|drained|wiped out|wiped|worn out|run down|rundown|sluggish|lethargic|"
            r"lethargy|no gas|running on empty|running on fumes|afternoon slump|afternoon crash|"
            r"slump|crash at|crash in the|crashing|brain fog|foggy|stamina|vitality|zombie|"
            r"dead by|burn the candle|burning the candle|keep up with (?:my|the) kids|"
            r"keep up with (?:my|the) (?:team|grandkids|children)|no drive|no motivation|"
            r"low motivation|unmotivated|get through the day|make it through the day|"
            r"drag myself|dragging myself|need a nap|naps|napping|nodding off|dozing off|"
            r"falling asleep at|cant get out of bed|hard to get out of bed|sleepy|drowsy|"
            r"coffee to function|five coffees|four coffees|three coffees|so much coffee|"
            r"too much coffee|caffeine|red bull|energy drinks|pick me up|pep|spark|zest|"
            r"recharge my batteries|battery is empty|batteries|hit (?:a|the) wall|"
            r"out of steam|run out of steam|running out of steam|ran out of steam|"
            r"out of gas|running out of gas|no juice|crash and burn)",
            S,
        ),
        (
            (
                r"(?:focus|concentrate|concentration|productivity|productive|perform|"
                r"performance|sharp|sharper|alert|clarity|mental clarity|clear head|"
                r"clear headed|on my game|on top of my game|at my best)"
            ),
            W,
        ),
        (r"dragging(?! (?:my|our) feet)|drag (?:myself|through)|dragging through", M),
        (
            (
                r"(?:perform|performing|show up|be) (?:at|on) (?:my |a )?(?:best|peak|"
                r"high level|highest level|top of my game|a higher level|work|the office|"
                r"a high level)|(?:peak|high|better|top) performance|(?:perform|"
                r"performing) better"
            ),
            S,
        ),
        (
            (
                r"(?:more|better|higher|boost|boost my|increase my|improve my|get my|"
                r"get more|lack of|lack|low|no|zero|little|have no|havent got any|out of|"
                r"running low on) (?:energy|stamina|focus|concentration|productivity|"
                r"vitality)"
            ),
            S,
        ),
        (
            (
                r"(?:hard|difficult|tough|struggle|struggling|cant|cannot|"
                r"trouble) (?:to )?(?:focus|concentrate|stay focused|keep focused|"
                r"think clearly|stay awake|stay alert|keep going|keep up)"
            ),
            S,
        ),
        (r"(?:tired of being|sick and tired)", W),
    ),
    "event_prep": (
        (
            (
                r"(?:charity|bike|cycling|fun|group|hiking|sponsored) (?:ride|run|walk|"
                r"race|trip|challenge)|bike ride|(?:doing|do|did|signed up for) (?:a |an |"
                r"the |my first )?(?:[a-z]+ )?(?:ride|race|marathon|triathlon|hike|climb|"
                r"trek|5k|10k|challenge)"
            ),
            S,
        ),
        (
            r"(?:wedding|marathon|half marathon|triathlon|ironman|iron man|honeymoon|photoshoot|"
            r"photo shoot|bodybuilding show|physique show|reunion|class reunion|"
            r"high school reunion|"
            r"tough mudder|spartan race|spartan|fun run|5k|10k|ten k|five k|"
            r"century ride|gran fondo|"
            r"marathons|triathlons|competition|tournament|tryout|tryouts|race day|big day|"
            r"bachelor party|bachelorette|stag do|hen do|kilimanjaro|everest base camp|camino|"
            r"hiking trip|ski trip|beach trip|cruise|safari|trek|boxing match|"
            r"obstacle race|charity ride|charity run|relay|bike race|swim meet)",
            S,
        ),
        (
            r"(?:for|before|by|in time for|ready for|prepare for|preparing for|prep for|"
            r"prepping for|training for|train for|get ready for|getting ready for|"
            r"ahead of|look good for|"
            r"look good at|in shape for|fit for|build up to|building up to) (?:my|our|"
            r"the|a|an|this|that|his|"
            r"her|their|next|upcoming|[a-z]+s) ?(?:[a-z]+ )?(?:trip|vacation|holiday|"
            r"holidays|beach|cruise|event|"
            r"hike|trek|race|season|birthday|anniversary|graduation|gala|show|big day|"
            r"summer|ski trip|"
            r"climb|ride|match|fight|meet|deployment|party|wedding|photos|"
            r"pictures|photoshoot|reunion|competition|marathon|tournament|ceremony|speech|trip to|"
            r"wedding day|bday|fortieth|fiftieth|40th|50th|60th|sixtieth|retirement|"
            r"expedition|tryout|audition|pageant|premiere|photo shoot)",
            S,
        ),
        (
            (
                r"(?:in|within|only|just|about|around) (?:[a-z0-9]+ )?(?:weeks|months|"
                r"days)(?: from now)? (?:for|before|until|till|away|to go|left)"
            ),
            M,
        ),
        (
            (
                r"(?:big|important|special|major|huge) (?:day|event|occasion|trip|race|"
                r"milestone|birthday)"
            ),
            M,
        ),
        (
            (
                r"look (?:good|great|my best|fit|lean|slim) (?:on|at|in|for) (?:the beach|"
                r"the pool|my wedding|the wedding|the reunion|vacation|my vacation|"
                r"the photos|pictures|my trip|the trip|the party|the event|my birthday|"
                r"the cruise|a bikini|my swimsuit|swimsuit)"
            ),
            S,
        ),
        (
            (
                r"(?:by|before|for|in time for) (?:the |this |next )?(?:summer|june|"
                r"july|august|christmas|new year|new years|spring|my birthday|"
                r"the holidays|beach season|swimsuit season|bikini season|september|"
                r"october|may|april|march)"
            ),
            M,
        ),
        (
            (
                r"(?:getting|get|im getting|were getting|i am getting|"
                r"we are getting) (?:married|hitched)|(?:my|our|daughters|sons|sisters|"
                r"brothers|friends|best friends|kids) (?:wedding|graduation|reunion|"
                r"bar mitzvah|bat mitzvah)|(?:best man|maid of honor|groom|bride)"
            ),
            S,
        ),
        (
            (
                r"(?:signed up for|registered for|entered|running|doing|competing in|"
                r"racing|ride|riding|climbing|hiking) (?:a |the |my |"
                r"an )?(?:first )?(?:race|marathon|half|triathlon|ironman|5k|10k|"
                r"competition|tournament|hike|climb|trek|ride)"
            ),
            S,
        ),
    ),
    "rehab": (
        (
            r"(?:injury|injured|injuries|surgery|surgeries|operation|post op|"
            r"post surgery|after surgery|"
            r"rehab|rehabilitation|physical therapy|physio|physiotherapy|physiotherapist|"
            r"physical therapist|chiropractor|sprain|sprained|torn|tore my|tear in|"
            r"acl|mcl|meniscus|"
            r"rotator cuff|herniated|hernia|slipped disc|bulging disc|disc|sciatica|arthritis|"
            r"osteoarthritis|tendinitis|tendonitis|plantar fasciitis|fracture|fractured|"
            r"broke my|broken (?:leg|arm|ankle|wrist|foot|hip|rib|bone)|replacement|"
            r"knee replacement|"
            r"hip replacement|post partum|postpartum|post pregnancy|after (?:having|giving birth|"
            r"the baby|my baby|pregnancy|the birth|childbirth)|had a baby|gave birth|c section|"
            r"diastasis|bad back|bad knee|bad knees|bad shoulder|bad hip|back pain|"
            r"knee pain|neck pain|"
            r"shoulder pain|hip pain|joint pain|chronic pain|lower back|low back|back problems|"
            r"back issues|knee problems|knee issues|joint problems|joint issues|mobility issues|"
            r"limited mobility|cardiac rehab|heart surgery|bypass|stent|frozen shoulder|whiplash|"
            r"tennis elbow|golfers elbow|shin splints|achilles|labrum|spinal|spine|"
            r"fusion|scoliosis|"
            r"pulled (?:a |my )?(?:muscle|hamstring|back|groin)|threw out my back|"
            r"throw out my back|"
            r"tweaked my|hurt (?:my )?(?:back|knee|knees|shoulder|ankle|hip|neck|wrist|elbow|foot)|"
            r"recover(?:ing|y)? from (?:my |a |an |the )?(?:injury|surgery|operation|"
            r"accident|knee|back|"
            r"hip|shoulder|broken|fracture|pregnancy|birth|baby|c section|heart attack|stroke|"
            r"illness|covid|cancer|chemo|treatment))",
            S,
        ),
        (
            (
                r"(?:pain|painful|aches|aching|achy|sore|soreness|stiff|stiffness|hurts|"
                r"hurting|limp|limping|cane|crutches|brace|mobility|my back|my knee|"
                r"my knees|my shoulder|my hip|my hips|my neck|my ankle|my joints|recovery|"
                r"recovering|recover|accident|flare up)"
            ),
            M,
        ),
    ),
}

NEED_CANCELS: Final[CancelTable] = {
    "weight_loss": (
        (
            r"(?:weight|my weight)(?: s)? (?:is|s)? ?(?:fine|good|ok|okay|great|"
            r"not (?:a |an |the )?(?:issue|problem|concern|goal|focus))"
        ),
        r"(?:dont|do not|no) (?:need|want|have) to (?:lose|drop) (?:any )?(?:weight|pounds|kilos)",
        (
            r"(?:not|isnt) (?:really )?(?:about|trying to|looking to) (?:lose|losing|"
            r"drop|dropping) (?:weight|pounds)"
        ),
    ),
    "health": (
        (
            r"(?:my )?(?:health|blood work|bloodwork|numbers|labs|blood pressure|"
            r"cholesterol)(?: s)? (?:is|are)? ?(?:fine|good|great|perfect|excellent|"
            r"normal|totally fine)"
        ),
    ),
    "stress": (
        (
            r"(?:not|never|rarely|hardly ever) (?:really )?(?:stressed|anxious|"
            r"overwhelmed)|(?:stress|sleep)(?: s)? (?:is )?(?:fine|good|not an issue|"
            r"not a problem|great)|(?:i )?sleep (?:fine|well|great|like a baby)"
        ),
    ),
    "energy": (
        (
            r"(?:energy|my energy)(?: s)? (?:is|s)? ?(?:fine|good|great|high|"
            r"not an issue|not a problem)|(?:not|never) (?:really )?(?:tired|"
            r"exhausted)"
        ),
    ),
    "rehab": (
        (
            r"(?:no|dont have (?:any )?|never had (?:any )?)(?:injuries|injury|pain|"
            r"back problems|knee problems|surgeries)|(?:back|knee|knees|"
            r"joints)(?: s)? (?:is|are)? ?(?:fine|good|great|healthy)"
        ),
    ),
}

BUYING: Final[RuleTable] = {
    "buying_signal": (
        (
            (
                r"(?:whats|what is|so whats|so what is) (?:the|our|my) next (?:move|step)|"
                r"^(?:please |ok |okay |yes |sure |great |perfect )?book (?:it|that|"
                r"me)(?: please| then| in)?$"
            ),
            S,
        ),
        (
            (
                r"(?:dont|do not) (?:really )?need to think (?:about it|it over|"
                r"about this)|no need to think|nothing to think about|(?:already|ive|"
                r"i have) (?:decided|made up my mind)|made my decision"
            ),
            M,
        ),
        (
            (
                r"get (?:this|it|things|the ball) (?:going|started|rolling|moving|set up)|"
                r"(?:can you|could you|lets|please|go ahead and) (?:set (?:it|this|me|"
                r"that|everything) up|get (?:it|this|me|everything) set up|book (?:it|me|"
                r"that|us) in)"
            ),
            S,
        ),
        (
            (
                r"(?:take|taking|process) (?:the |a |my )?(?:payment|card payment|card|"
                r"deposit) (?:over the phone|now|today|right now)"
            ),
            S,
        ),
        (
            (
                r"lets (?:just |go |totally |definitely )?do (?:it|this)|(?:whats|what is|"
                r"what s) the first step|first step is"
            ),
            S,
        ),
        (
            (
                r"(?:when|what day|what time) (?:would|will|is|can|could) (?:my|the|"
                r"our) first (?:session|call|class|appointment|meeting|check in|"
                r"workout) (?:be|start|happen|take place)"
            ),
            S,
        ),
        (
            r"(?:how|where|when|what) (?:do|can|could|should|would|will|shall) (?:i|"
            r"we) (?:go about |actually |then )?(?:sign up|signup|enroll|enrol|"
            r"register|join|start|get started|"
            r"begin|buy|purchase|pay|book|schedule|subscribe|sign|get going|"
            r"get set up|get signed up|"
            r"lock (?:it|this|that|in)|kick off|get on board|commit|proceed|"
            r"move forward|get onboarded|onboard|reserve)",
            S,
        ),
        (
            (
                r"(?:how|where|what) (?:do|can|should) (?:i|we) (?:get|go) (?:started|"
                r"ahead|from here)|what do i do next|what do we do next|"
                r"where do we go from here"
            ),
            S,
        ),
        (
            (
                r"(?:when|how soon|how quickly|how fast|how early) (?:can|could|do|would|"
                r"will|shall) (?:i|we|you) (?:start|begin|get started|kick off|"
                r"kick things off|have (?:my|the|our) first|do (?:the|my|our) first|"
                r"get going|onboard me|get me started|schedule (?:the|my) first)"
            ),
            S,
        ),
        (
            (
                r"(?:sign|count|put) me (?:up|in|down)|(?:im|were|i am|"
                r"we are) (?:all )?in\b(?! (?:a|the|my|an|pain|shape|meetings|meeting|"
                r"town|for|on))|(?:im|i am) on board|sign us up"
            ),
            S,
        ),
        (
            (
                r"lets (?:do (?:it|this|that|the trial|the call|the first)|go (?:for it|"
                r"ahead|with)|get (?:started|going|it going|this going|the ball rolling|"
                r"it set up|it scheduled|it booked|this set up|this scheduled|you set up)|"
                r"start|book|schedule|set (?:it|that|this) up|set up|lock|make it happen|"
                r"move forward|get this done|try it|try the|give it a (?:try|shot|go)|"
                r"kick off|sign up|sign me up|proceed|pull the trigger)"
            ),
            S,
        ),
        (
            r"(?:i|we|id|wed) (?:want|wanna|would like|d like|like|am ready|m ready|"
            r"re ready|are ready|ready) to (?:sign up|start|join|enroll|enrol|"
            r"register|get started|buy|go ahead|move forward|book|"
            r"do it|do this|try it|try the|try this|try you|purchase|subscribe|commit|"
            r"begin|proceed|lock|reserve|pay|give it a (?:try|shot|go)|take (?:the|"
            r"you up)|schedule)",
            S,
        ),
        (
            (
                r"(?:ready|excited|eager|keen|happy|glad|good) to (?:start|go|begin|"
                r"commit|get started|sign up|move forward|do this|do it|get going|dive in|"
                r"roll|proceed|try it|pay)"
            ),
            S,
        ),
        (
            (
                r"(?:take|here is|heres|ill give you|let me give you|let me get|i have|"
                r"ive got|got) (?:my|the) (?:card|credit card|debit card|card number|"
                r"payment|payment details|billing|details|card details|amex|visa)"
            ),
            S,
        ),
        (
            r"(?:do you|can i|can you|could i|could you|will you|would you|"
            r"is it possible to) (?:take|accept|pay with|pay by|use|do|charge|bill|"
            r"invoice|pay in|pay via|split|put it on) "
            r"(?:a |my |the |it |in |on |monthly |over )?(?:credit|card|cards|"
            r"credit card|credit cards|debit|visa|amex|american express|mastercard|"
            r"paypal|venmo|zelle|apple pay|"
            r"google pay|a check|check|ach|wire|bank transfer|installments|"
            r"instalments|payments|monthly|company card|corporate card|hsa|fsa|"
            r"invoice|me monthly|me|it)",
            S,
        ),
        (
            r"(?:send|email|text|share|forward|shoot|give|drop|get) (?:me |us |"
            r"over )*(?:the |a |your )?(?:contract|agreement|invoice|payment link|"
            r"paperwork|sign up link|signup link|"
            r"checkout link|registration link|enrollment form|registration form|"
            r"intake form|sign up form|"
            r"onboarding form|onboarding|payment form|booking link|calendar link|"
            r"scheduling link|link to pay|link to sign up|link to book|docusign|terms)",
            S,
        ),
        (
            (
                r"(?:payment|invoice|checkout|sign up|registration|contract|agreement|"
                r"enrollment|booking|calendar|scheduling|onboarding) (?:link|form|page|"
                r"details|paperwork|process)"
            ),
            M,
        ),
        (
            (
                r"(?:what|whats|what is|what are) (?:are |is )?(?:the )?next steps?|"
                r"(?:what|whats) (?:do you need|would you need|"
                r"else do you need) (?:from me|from us)|(?:what|whats) (?:happens|"
                r"comes) next"
            ),
            S,
        ),
        (
            r"(?:book|schedule|set up|lock in|reserve|grab|hold|arrange|put|get|set|"
            r"pencil|block|take) (?:me |us |it |in )?(?:in )?(?:for )?(?:a |the |my |"
            r"that |an |our |this |your |one of those |one of the )?(?:free |first |"
            r"intro |introductory |discovery |strategy |initial |trial |kickoff |"
            r"kick off |two week |2 week |14 day |one week |7 day |30 day |"
            r"thirty day )*"
            r"(?:call|trial|session|consultation|consult|spot|slot|time|appointment|"
            r"first session|intro|meeting|kickoff|assessment|evaluation|class|"
            r"onboarding|start date|start|seat|place|demo)",
            S,
        ),
        (
            (
                r"(?:yes|sure|okay|absolutely|definitely|sounds good|sounds great|great|"
                r"perfect|alright|all right|of course|why not|fine|cool|awesome|excellent|"
                r"lovely|deal|done|right|totally|love it|i love that|that works) (?:lets|"
                r"id love|i would love|ill take|i will take|go ahead and|book|sign|do it|"
                r"i want|im in|lets try|count me|ill do|ill try|lets go|please book|"
                r"please sign|book it|sign me|lets start|i ll|im ready|im game|im down|"
                r"that works|put me)"
            ),
            S,
        ),
        (
            (
                r"(?:ill|i will|we will|well|id|i would|i can|lets) (?:take|do|try|start|"
                r"book|grab|go with|go for|choose|pick|get) (?:it|that|this|the trial|"
                r"the free trial|the first|the call|the session|the (?:[a-z]+ )?(?:plan|"
                r"package|program|option|tier|membership|offer)|one|you up on|that deal|"
                r"that offer)"
            ),
            S,
        ),
        (
            (
                r"(?:try|do|take|start|book|want|like) (?:the|a|your|that|"
                r"this) (?:free )?(?:trial|free trial|two week trial|2 week trial|"
                r"first session|intro session|intro call|trial session|trial week|"
                r"trial period|taster|test run|discovery call|strategy call|consultation)"
            ),
            S,
        ),
        (
            (
                r"(?:trial|intro|free session|first session|consultation|call|plan|"
                r"program|offer|that|this|it|price|deal)(?: s)? (?:sounds|seems|looks|"
                r"is) (?:good|great|fair|perfect|amazing|reasonable|awesome|fine|doable|"
                r"like a plan|like a good deal|worth it|right|like what i need)(?! (?:but|"
                r"though|however))"
            ),
            M,
        ),
        (
            (
                r"(?:its a|got a|weve got a|thats a|you have a|youve got a|you got a|"
                r"we have a) deal|^deal$|^done$|^(?:lets do it|sold|im sold)$|deal done"
            ),
            S,
        ),
        (
            (
                r"(?:you|youve|you have|you ve) (?:convinced|sold|got) me|(?:im|"
                r"i am) (?:convinced|sold|game|down|on board)|(?:convinced|sold) me"
            ),
            S,
        ),
        (
            (
                r"(?:what|which) (?:days|times|time|slots|day|dates|openings|"
                r"availability) (?:do you have|are available|work|works|is available|"
                r"are open|do you|are there|can we|have you got)|(?:does|would|is|"
                r"how about|what about|hows|how is) (?:tuesday|monday|wednesday|thursday|"
                r"friday|saturday|sunday|tomorrow|next week|this week|morning|evening|"
                r"the morning|the afternoon|[0-9]+|[a-z]+ (?:am|pm|oclock)) (?:work|good|"
                r"ok|okay|available|free|at|for)"
            ),
            S,
        ),
        (
            (
                r"(?:(?:i|we) can|could (?:i|we)|can (?:i|we)|id like to|"
                r"i want to) (?:start|begin) (?:this|next|on|tomorrow|today|monday|"
                r"right away|asap|now|immediately|as soon as|first thing|this week|"
                r"next week)"
            ),
            S,
        ),
        (
            (
                r"(?:is there|do you have|can i do|do you offer|do you do|can we do|"
                r"is it possible to do|can i pay|can i split|could i pay|"
                r"could i split) (?:a |an )?(?:payment plan|monthly payment|"
                r"monthly payments|installments|instalments|financing|monthly option|"
                r"monthly plan|in installments|monthly|over (?:three|3|six|6|twelve|"
                r"12) months|annual plan|yearly plan|upfront discount)"
            ),
            M,
        ),
        (
            (
                r"(?:(?:how much|what) (?:is|s|would be|will be) (?:the )?(?:first|"
                r"monthly|initial|upfront|down) (?:payment|installment|deposit|charge))|"
                r"(?:when|how) (?:will|do|would) (?:i|you|we) (?:be charged|get charged|"
                r"charge|pay|bill)|(?:how|when) does (?:billing|payment) work"
            ),
            S,
        ),
        (
            (
                r"(?:can|could) (?:you|we) (?:get me|put me|sign me|squeeze me|fit me|"
                r"slot me|pencil me|book me|get us) (?:in|up|on|down)|put me down (?:for|"
                r"on)|(?:book|sign|enroll|enrol|register|schedule) me"
            ),
            S,
        ),
        (
            (
                r"(?:i|we) (?:will|ll|can|could) (?:start|begin|do) (?:on|this|next|"
                r"tomorrow|monday|tuesday|wednesday|thursday|friday)"
            ),
            M,
        ),
        (
            (
                r"(?:where|how) do i (?:pay|sign|enter my|put in my|"
                r"send (?:the )?(?:money|payment))|where do i sign"
            ),
            S,
        ),
        (
            (
                r"(?:im|i am|were|we are) (?:ready|good to go|all set to|keen|excited|"
                r"interested in (?:starting|signing up|the trial|trying))"
            ),
            M,
        ),
        (
            (
                r"(?:move|moving) forward|go ahead (?:and (?:book|sign|schedule|set|"
                r"charge|send|get)|with (?:it|the|that|this))|lets proceed|(?:happy|glad|"
                r"willing) to (?:proceed|go ahead|give it a (?:try|shot|go))|"
                r"pull the trigger|(?:take|taking) the plunge"
            ),
            M,
        ),
        (
            (
                r"(?:sounds|seems|looks) (?:good|great|perfect|amazing|like a plan|fair|"
                r"reasonable|awesome|exciting|good to me|great to me)|(?:thats|that is|"
                r"that s|its|it is) (?:perfect|great|exactly what i need|"
                r"what i need|what i want|just what)|why not|(?:yes|sure|okay) please|"
                r"makes sense lets|i like (?:it|that|the sound of that|this|what i hear)|"
                r"love (?:it|that|the sound)"
            ),
            W,
        ),
        (
            (
                r"(?:whats|what is|can i get|could i get|is there) (?:the |a |"
                r"your )?(?:link|website to sign up|form)"
            ),
            W,
        ),
    ),
}

BUYING_CANCELS: Final[tuple[str, ...]] = (
    (
        r"(?:before|until|unless|prior to) (?:i|we|you) (?:sign|commit|start|pay|"
        r"buy|decide|move forward|book|go ahead|do anything|purchase|enroll|join|"
        r"agree)"
    ),
    (
        r"(?:not|never|no way|dont want to|do not want to|wont|not going to|"
        r"not gonna|not ready to) (?:sign|commit|buy|pay|purchase|enroll|join|"
        r"start|book)"
    ),
)

#: Words that negate a keyword cue when they appear shortly before it.
NEGATORS: Final[frozenset[str]] = frozenset(
    {
        "not",
        "never",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "dont",
        "doesnt",
        "didnt",
        "aint",
        "hardly",
        "nothing",
        "without",
        "neither",
        "nor",
        "nobody",
        "none",
        "wont",
        "shouldnt",
        "wouldnt",
        "havent",
        "hasnt",
        "nowhere",
    }
)
#: A negator directly followed by one of these is a figure of speech, not a negation.
NEGATOR_EXCEPTIONS: Final[frozenset[str]] = frozenset(
    {
        "know",
        "get",
        "mean",
        "mind",
        "worry",
        "forget",
        "lie",
        "kid",
        "kidding",
        "bother",
        "matter",
        "doubt",
    }
)
#: Cues that negate a phrase which itself starts with a negation ("it's not that I can't ...").
DOUBLE_NEGATION: Final = (
    r"\b(?:not|isnt|wasnt|never said|aint) (?:that|like|because|cause|since|as if|so much that)\b|"
    r"\bnot (?:really |exactly |so much )?(?:about|that)\b|\bits not (?:like|that)\b|"
    r"\bwouldnt say\b|\bdont think\b|\bnot that\b"
)
#: Cues (shortly before a need phrase) that deny the need.
NEED_NEGATION: Final = (
    r"\b(?:dont (?:really |even )?(?:need|want|care|have (?:any )?(?:problems?|issues?|trouble))|"
    r"doesnt (?:need|want)|not (?:really |even )?(?:trying|looking|interested|"
    r"about|worried|concerned|a problem|an issue|after|focused on|into)|"
    r"no (?:need|interest|problems?|issues?)|never (?:had|been|have|suffered)|"
    r"isnt (?:really )?(?:about|an issue|a problem|my)|"
    r"no longer|not for|rather than|instead of|less about|not so much)\b"
)
#: Words that, shortly before a buying phrase, mean it is not (yet) a yes.
BUY_NEGATORS: Final[frozenset[str]] = frozenset(
    {
        "not",
        "never",
        "dont",
        "wont",
        "cant",
        "isnt",
        "before",
        "until",
        "unless",
        "no",
        "arent",
        "didnt",
        "doesnt",
        "nobody",
        "if",
        "whether",
        "later",
        "eventually",
        "someday",
        "maybe",
        "cancel",
        "couldnt",
        "wouldnt",
        "shouldnt",
        "hesitant",
    }
)
