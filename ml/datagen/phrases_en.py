# ruff: noqa: E501  (phrase data: one template per line reads better than wrapped strings)
"""English phrase bank: what executives say on a sales call, as templates.

Template syntax is in :mod:`ml.datagen.grammar`. A template ending in ``?`` is a question.
Each objection/need list holds many *ideas* of the label (see shared/eval/TAXONOMY.md),
each idea with its own paraphrase alternatives; the composer adds fillers, hedges,
joiners and reasons on top.
"""

from __future__ import annotations

LEXICON: dict[str, list[str]] = {
    "spouse": [
        "my wife",
        "my husband",
        "my partner",
        "my girlfriend",
        "my boyfriend",
        "my fiancee",
        "the wife",
        "the missus",
        "my better half",
    ],
    "boss": [
        "my boss",
        "my manager",
        "the ceo",
        "my business partner",
        "my partners",
        "our cfo",
        "the board",
        "hr",
        "h r",
        "human resources",
        "finance",
        "the finance team",
        "procurement",
        "my company",
        "the company",
        "the office",
        "my director",
        "my vp",
    ],
    "doctor": [
        "my doctor",
        "my cardiologist",
        "my physio",
        "my physical therapist",
        "my gp",
        "my surgeon",
        "my endocrinologist",
        "my orthopedist",
        "the doctor",
        "my therapist",
    ],
    "approver": [
        "<spouse>",
        "<spouse>",
        "<boss>",
        "<boss>",
        "<doctor>",
        "my family",
        "my accountant",
        "my financial advisor",
        "the family",
        "my kids",
    ],
    "expert": [
        "a personal trainer",
        "a trainer",
        "a coach",
        "a nutritionist",
        "a dietitian",
        "a physio",
        "a health coach",
        "a strength coach",
        "a running coach",
        "a yoga teacher",
        "a pilates instructor",
        "a therapist",
        "a life coach",
        "an executive coach",
    ],
    "app": [
        "an app",
        "a fitness app",
        "myfitnesspal",
        "peloton",
        "my peloton",
        "my apple watch",
        "strava",
        "noom",
        "my whoop",
        "my oura ring",
        "headspace",
        "calm",
        "youtube videos",
        "a youtube channel",
        "fitbod",
        "a meal kit service",
    ],
    "later": [
        "next month",
        "after the holidays",
        "in the new year",
        "in january",
        "after the summer",
        "in september",
        "in a couple of weeks",
        "in a few weeks",
        "next quarter",
        "after q4",
        "after my trip",
        "after this project",
        "once things calm down",
        "when things settle down",
        "later in the year",
        "after tax season",
        "after the move",
        "after the launch",
    ],
    "workthing": [
        "board meetings",
        "a product launch",
        "quarter close",
        "the merger",
        "budget season",
        "hiring",
        "the audit",
        "a big deal closing",
        "the reorg",
        "a funding round",
        "year end",
        "client calls",
    ],
    "company": [
        "a logistics company",
        "a law firm",
        "a construction company",
        "a tech startup",
        "a software company",
        "a consulting firm",
        "a bank",
        "a hedge fund",
        "a hospital",
        "a marketing agency",
        "a manufacturing plant",
        "a real estate firm",
        "three restaurants",
        "a dental practice",
        "an insurance company",
        "a trucking company",
    ],
    "role": [
        "ceo",
        "cfo",
        "coo",
        "cto",
        "managing director",
        "partner",
        "vp of sales",
        "head of operations",
        "general manager",
        "founder",
        "director",
        "surgeon",
        "attorney",
        "investment banker",
        "regional manager",
        "sales director",
    ],
    "amount": [
        "<n:150-900> dollars",
        "<n:150-900> a month",
        "<n:2-9> hundred a month",
        "that kind of money",
        "that much",
        "a few hundred bucks",
        "<n:1-5> grand",
    ],
    "kid_event": [
        "my daughter's wedding",
        "my son's wedding",
        "my wedding",
        "our anniversary trip",
        "a beach vacation",
        "my high school reunion",
        "a ski trip",
    ],
}

# --------------------------------------------------------------------------- objections

OBJECTIONS: dict[str, list[str]] = {
    "price": [
        "{what if|and if} i {prepaid|paid for} {the year|two quarters|a whole year} {in advance|upfront}, {any discount|would you drop the price|is there a better rate}?",
        "{can|could} you {do|go} {any |}{better|lower} on {the price|that}?",
        "{can you|could you} {knock|take} {something|a bit|a little} off?",
        "{it's|that's|that is} {way |a bit |really |kind of |just |}too expensive {for me|}",
        "{that's|it's} {too|really|pretty|super|a little} {pricey|steep|expensive} {for me|honestly|}",
        "i {can't|cannot|really can't|just can't} afford {that|it|<amount>|this right now}",
        "{that's|it's} {out of|over|above|way over|beyond} my budget",
        "{money's|money is|cash is|things are} {tight|a bit tight|really tight} {right now|this year|at the moment|}",
        "i {don't|do not} have {that kind of money|the budget|the money|<amount>} {for this|for coaching|right now|}",
        "{that's|it's} {a lot|a lot of money|more than i expected|more than i thought|more than i wanted to spend} {for coaching|for a program|}",
        "i {can't|couldn't} justify {spending|paying} <amount> {on this|for coaching|on a coach|}",
        "{what's the catch with the price|why is it so expensive|why does it cost so much}?",
        "{is there|do you have} {anything|something|a plan} {cheaper|more affordable|less expensive}?",
        "my gym {costs|is} <n:20-60> {bucks|dollars} a month {and this is way more|by comparison|}",
        "i'm {paying for|saving for} {my kids' college|the kids' tuition|a new house|a wedding} so {money|the budget} is {tight|limited}",
        "{honestly |}{the price|the cost|the fee|the monthly fee} is {the problem|the issue|what worries me|a deal breaker|too high}",
        "{i'm not sure|i don't think} {it's|that's} worth {that kind of money|the money|<amount>}",
        "that's {steep|a lot} {for something i'm not sure about|for a few video calls|for what it is}",
        "{we|i} just {bought a house|had a baby|had a rough quarter|took a pay cut} so {every dollar counts|i'm watching my spending|spending is frozen}",
        "{we're|i'm} {cutting back|cutting costs|tightening the belt|watching expenses} {right now|this year|}",
        "{i'd|i would} {need|have} to {see|look at} the numbers {first|again} {because that's a lot|it's a lot|}",
        "for that price i {could|can} {get|hire} <expert> {in person|for a year|}",
        "i {wasn't|was not} expecting {it|this} to {cost|be} {that much|so much|<amount>}",
        "{it's|that's} {not in|not part of} {the budget|my budget|our budget} {this year|right now|}",
        "{i'm|i am} {on a|on a pretty} {fixed income|tight budget|budget}",
        "{that's|it's} {a stretch|a big stretch} {for me|financially|money wise}",
        "i {don't|do not} want to {spend|put} {that much|<amount>|a lot} on {this|myself|coaching}",
        "{ouch|wow|whoa} {that's|that is} {pricey|expensive|a lot}",
        "{is there|can you do} {a discount|any discount|a payment plan|a smaller package}?",
        "i'd {rather|prefer to} {spend|put} that money {on my kids|on a vacation|somewhere else|on the business}",
        "{it's|the program is} {overpriced|not cheap|kind of overpriced}",
    ],
    "time": [
        "i {don't|do not|just don't|really don't} have {the|any|enough} time {for this|for that|right now|these days|}",
        "my {schedule|calendar|week|agenda} is {packed|full|insane|crazy|slammed|completely full|booked solid}",
        "i {travel|fly|am on the road|am on a plane} {every week|all the time|constantly|three weeks a month|half the month}",
        "i work {<n:60-90> hour weeks|like <n:60-80> hours a week|twelve hour days|crazy hours|nights and weekends}",
        "{between|with} {work and the kids|the kids and work|<workthing> and family|<workthing>} i {have|get} {zero|no} time {for myself|to breathe|}",
        "{i'm|i am} {swamped|slammed|drowning|buried|stretched thin|overloaded} {at work|with work|right now|with <workthing>|}",
        "i {can't|couldn't} {commit to|fit|squeeze in|find time for} {three sessions a week|weekly calls|another thing|something like this|a program} {right now|}",
        "{i barely|i hardly} {have time|get time|find time} to {eat|sleep|see my family|have lunch}",
        "{there's|there is} {no way|just no way} i {can|could} {fit|add} {this|another commitment} {into my week|into my schedule|}",
        "{with|because of} <workthing> {my time is|i'm} {gone|maxed out|not available} {until|till} <later>",
        "{honestly |}{time|the time commitment|finding the time} is {the problem|the issue|my biggest problem|the hard part}",
        "i'm {always|constantly} {traveling|in meetings|on calls|on the road|between airports}",
        "{my job|work|the business|running the company} {takes|eats} {all|up all} my time",
        "i {start|get to the office} at {six|five|seven} and {get home|finish} {at nine|at ten|late|after eight}",
        "{i have|i've got} {no bandwidth|zero bandwidth|no capacity} {for this|right now|}",
        "{my|our} {time zones|meetings} {are all over the place|change every week|are unpredictable}",
        "i {can never|can't ever} {plan|predict} my {week|schedule|calendar}",
        "{by the time i get home|at night} i'm {done|dead|wiped out} and {there's no time|it's already late}",
        "i {don't|do not} {see|know} where {i'd|i would} {find|get} the time",
        "i'm {a single dad|a single mom|raising three kids|taking care of my parents} {and working|} so time is {tight|impossible}",
        "{the calls|the sessions|the check ins} {would|will} {clash|conflict} with {my meetings|work|my schedule}",
        "{forty|<n:30-60>} minutes {a day|three times a week} {is|sounds like} {a lot|too much} for me",
    ],
    "think_it_over": [
        "{let me|i need to|i want to|i'd like to|i have to} {think about it|think it over|sleep on it|mull it over|think about this}",
        "{can you|could you|just} {send me|email me|shoot me} {some info|the info|more information|a brochure|the details|something in writing} {and i'll look at it|and i'll get back to you|}",
        "{maybe|probably|let's talk} <later>",
        "{call|ring|try} me {back|again} <later>",
        "{not right now|not now|not yet|not today} {maybe|perhaps} <later>",
        "{i'm not ready|i'm not quite ready|i'm not in a rush} to {decide|commit|make a decision|sign up} {today|yet|right now|}",
        "{i'll|let me} {look into it|do some research|read up on it|check it out} {and get back to you|first|}",
        "{give me|i need} {a few days|a week|some time|a couple of days} {to think|to decide|}",
        "i {want to|need to|like to} {compare|look at} {other options|a few options|other programs} {first|before i decide|}",
        "{i never|i don't} {decide|buy|sign up for} {anything|things} on the {first call|phone|spot}",
        "{let's|can we} {revisit|talk about} this <later>",
        "{i'll|i will} {get back to you|let you know|think it through} {next week|soon|in a few days|}",
        "i {need|want} to {see|check} how {things|work|my schedule} {look|looks} <later> {first|}",
        "{it's|this is} {a big decision|not something i decide quickly} {so i'll think|let me think}",
        "{put it in an email|email it to me|send it to my inbox} {and i'll read it|and i'll review it|}",
        "{i'm|i am} {just|only} {looking|gathering information|exploring|shopping around} {for now|right now|}",
        "{maybe|perhaps|possibly} {down the road|in the future|at some point|one day}",
        "{i'll|let me} {wait|hold off} {until|till} <later>",
        "{we'll see|let's see} {how it goes|what happens|}",
        "i'd {want to|like to} {read|look at} {the contract|the terms|the program details} {first|at home|}",
        "{i'm|i am} {kind of |a bit |}{on the fence|undecided|torn|not sure yet}",
        "{ask me|check in with me} {again |}<later>",
    ],
    "skepticism": [
        "i {don't|do not} {think|believe} {this|it|these programs|coaching} {works|will work|would work} {for me|}",
        "{i've|i have} {tried|done} {everything|all of it|programs like this|this before|coaching before|keto and crossfit and everything} and {nothing|none of it} {worked|stuck|lasted}",
        "{it|this|that} sounds {too good to be true|like a scam|like a gimmick|like marketing|like every other program}",
        "how do i know {this|it} {will work|actually works|is any different}?",
        "{these|all these} {programs|online programs|coaching things|apps} {never|don't} work {for me|long term|}",
        "{i'm|i am} {skeptical|not convinced|a bit skeptical|pretty skeptical|doubtful|not sure it works}",
        "{every|each} {time|program} i {start|try} i {quit|drop out|give up|stop} after {two|a couple of|three} weeks",
        "{i've|i have} {heard|seen} {that|this} {before|a hundred times|from everybody}",
        "{online|remote|video} {coaching|training} {can't|doesn't|won't} {work|replace in person|keep me accountable}",
        "{i'm|i am} {not sure|not convinced} {it's|this is} {for someone my age|for someone like me|for my body|right for me}",
        "{the|your} {results|testimonials|before and after photos} {look|seem} {fake|staged|too good}",
        "{i got|i was} {burned|ripped off|scammed} {by|with} {a program like this|a coach|an online thing} {before|last year|}",
        "{what makes you|why are you|how are you} {different|any different} from {the others|every other program|the apps}?",
        "i {doubt|really doubt|kind of doubt} {it|that|this} {would|will} {change anything|make a difference|help}",
        "{my|i have a} {metabolism|genetics|body} {is|are} {just |}{different|slow|bad} {nothing works|it never works|}",
        "{a phone call|a zoom call|a call} {once a week|every week} {is not going to|won't} {fix|change} {anything|my habits}",
        "{i don't|i do not} {trust|buy} {these|those} {companies|programs|promises|claims}",
        "{sounds|it sounds} {nice|good|great} {on paper|in theory} but {i doubt it|real life is different|i don't buy it}",
        "{diets|programs|coaches} {have|has} {failed|let} me {down |}{before|every single time|too many times}",
        "{is there|do you have} {any|real} {proof|evidence|data} {that it works|it works|}?",
        "{who|what kind of people} {actually |}{get|gets} results {with this|from this}?",
        "{i've|i have} {been let down|been disappointed} {too many times|before} {by coaches|by programs|}",
    ],
    "has_alternative": [
        "i {already|actually already} have <expert>",
        "i {already|actually} {work with|train with|see|use} <expert> {twice a week|every week|already|}",
        "i {go to|have} {the gym|a gym|crossfit|a crossfit box|orange theory|soul cycle|a boxing gym} {already|every morning|four times a week|}",
        "i {use|just use|have|follow} <app> {and it works|and it's enough|for that|}",
        "{my|the} {company|office|employer} {has|offers|gives us} {a wellness program|a gym|a coach|a wellness plan} {already|for free|}",
        "{my doctor|my cardiologist|the doctor|my nutritionist} {already |}{gave|put} me {on|} {a plan|a diet|a program|a routine}",
        "i {prefer|like} to {train|work out|exercise|run|do it} {alone|on my own|by myself} {honestly|}",
        "{i|we} {just |}{follow|do} {workouts|videos} on youtube",
        "{my|the} {wife|husband|partner|brother|sister} is {a personal trainer|a nutritionist|a doctor|a coach} {so i'm covered|so i have that|}",
        "{i'm|i am} {already|currently} {doing|on|in} {a program|weight watchers|a diet|keto|a running club|therapy}",
        "i {have|'ve got} {a peloton|a home gym|a rowing machine|weights} at home {and i use it|already|}",
        "i {run|cycle|swim|play tennis|play golf|do yoga} {every day|every morning|on my own|with friends} {that's enough for me|}",
        "{i'm|i am} {working with|seeing} {someone|a guy|a lady|somebody} {already|at my gym|for that}",
        "{i've|i have} {got|} {a guy|my guy|someone} {for that|who handles that|at the gym}",
        "{i'd rather|i'd prefer to} {figure it out|do it|handle it} {myself|on my own}",
        "i {already|just} {signed up|joined|paid} {for|} {a gym|another program|a coaching program} {last month|last week|}",
        "{my|our} {insurance|health plan} {covers|gives me} {a nutritionist|a health coach|physio} {already|}",
        "i {have|do} {a trainer|yoga|pilates|crossfit|martial arts} {already |}{a few times a week|on weekends|}",
    ],
    "needs_approval": [
        "i {need|have|'d need|would have} to {talk|check|speak} {to|with} <approver> {first|about it|before i decide|}",
        "{<approver>|<spouse>} {handles|decides|makes the call on} {the money|the finances|these things|that}",
        "{i can't|i couldn't} {decide|commit|sign up} {without|before talking to} <approver>",
        "{<boss>|the company} {has to|would have to|needs to} {approve|sign off on} {it|this|the expense}",
        "{let me|i'll} {run it by|ask|check with|discuss it with} <approver> {first|tonight|and get back to you|}",
        "{we|my wife and i|my husband and i} {make|decide} {decisions|these things|big purchases} together",
        "{i'd|i would} {need|want} {clearance|the ok|a green light} from <doctor> {first|before doing anything|}",
        "{it|this|the program} {would|has to} {go through|be approved by} {<boss>|expenses|procurement|the company}",
        "{that's|this is} not {really |}{my decision|a decision i make alone|up to me} {alone|}",
        "{<spouse>|<boss>} {would|will} {kill me|have to agree|want to see it first} {if i sign up without asking|}",
        "{i'll have to|i need to} {see|check} {if|whether} {the company|my company|work|hr} {will pay|can cover|reimburses} {for it|it|}",
        "{after|since} {my surgery|the heart thing|my injury} {i have to|i need to} {ask|check with} <doctor> {first|before anything|}",
        "i {need|want} <approver> {on board|to agree|to be on the call} {first|before we go further|}",
        "{can you|could you} {call|talk to} {me and <spouse>|<spouse>|both of us} {together|another time}?",
    ],
    "not_interested": [
        "{i'm|i am} not interested {thanks|thank you|at all|sorry|}",
        "{it's|this is} {not for me|not really for me|not my thing}",
        "{i'm|i am} {fine|good|happy|ok} {as i am|the way i am|with how things are|thanks}",
        "{please |}{stop calling|don't call me again|take me off your list|remove my number}",
        "i {don't|do not} {need|want} {this|that|coaching|a coach|any of that}",
        "{no thanks|no thank you|nah|no} {i'm good|i'll pass|not interested|}",
        "{i'm|i am} {already |}{healthy|in good shape|pretty fit} {i don't need this|no need|}",
        "{how did you get|where did you get} my {number|phone number}?",
        "{i'm|i am} not looking for {anything like this|a coach|a program|that} {right now|}",
        "{i never|i didn't} {signed|sign} up for {this|any of this|a call}",
        "{this|that} {doesn't|does not} {interest|appeal to} me {at all|really|}",
        "{i'll|i will} pass {thanks|on this|}",
        "{not for me|not interested|no interest} {sorry|thanks|}",
        "{i don't|i do not} {see|feel} {the need|any need|why i'd need this|a reason} {for this|}",
        "{i'm|i am} {too old|too busy} for {this stuff|this kind of thing} {honestly|anyway|}",
        "{look |}{i'm going to|let me} {hang up|go now|stop you there} {i'm not interested|}",
        "{please |}{just |}{put me on|add me to} {the|your} do not call list",
        "{there's|there is} {nothing wrong with me|no problem to fix} {i'm fine|}",
    ],
}

# Reasons that can trail an objection clause (joined with "because"/"since").
REASONS: dict[str, list[str]] = {
    "price": [
        "the kids' school is {expensive|killing me}",
        "we just {bought a house|renovated the kitchen|had twins}",
        "business {is slow|has been slow|is down} this year",
        "i'm {paying|still paying} {a mortgage|off a loan|alimony}",
    ],
    "time": [
        "i'm {opening|launching} a new {office|branch|store} {this quarter|}",
        "{we're|i'm} in the middle of <workthing>",
        "i {commute|drive} {two hours|an hour and a half} {each way|every day}",
        "i'm {on call|in surgery} {most days|all week}",
    ],
    "skepticism": [
        "i {did|tried} {keto|weight watchers|a trainer} {last year|before} and {gained it all back|quit|it didn't help}",
        "{nothing|no program} has {ever |}worked {for me|long term}",
    ],
    "needs_approval": [
        "{she|he} {handles|manages|runs} {our|the} {money|finances|budget}",
        "{it's|it would be} a company expense",
    ],
    "has_alternative": [
        "{he's|she's} {been great|really good|been helping me} {for years|so far|}",
        "i'm {happy|fine} with {it|that|them}",
    ],
    "think_it_over": [
        "i {never|don't} {decide|buy anything} {on the spot|on the phone|right away}",
        "i {like|want} to {read|research|compare} {first|things}",
    ],
    "not_interested": [
        "i {feel|am} {fine|great|good} {honestly|already}",
        "i {get|have been getting} {too many|a lot of} {calls|sales calls}",
    ],
}

# --------------------------------------------------------------------------- needs

NEEDS: dict[str, list[str]] = {
    "weight_loss": [
        "i {want|need|would like|'d love} to {lose|drop|shed|get rid of} {some|a little|a lot of|the extra|} weight",
        "i {want|need|'d like} to {lose|drop} {<n:5-30> pounds|<n:5-15> kilos|<n:5-30> lbs|a few pounds|the belly|the gut|the extra pounds}",
        "{i've|i have} {put on|gained} {weight|<n:10-40> pounds|a lot of weight} {since covid|since the kids|since i started this job|in the last few years}",
        "{my|the} {pants|suits|shirts|clothes} {don't fit|don't fit anymore|are getting tight}",
        "{i need|i want|i'd like} to {slim down|lean out|get lean|cut body fat|lose the belly|trim down|get thinner|lose my gut}",
        "i'm {overweight|heavier than i've ever been|carrying too much weight|getting fat|too heavy}",
        "{my goal is|the goal would be|mainly|mostly|for me it's} {weight loss|losing weight|losing fat|fat loss|getting my weight down}",
        "{the scale|my weight} {keeps going up|won't go down|is out of control}",
        "{i'd like to|i want to} {get back to|be back at} {my old weight|my college weight|<n:160-190> pounds|<n:70-85> kilos}",
        "{i've got|i have} {a dad bod|a beer belly|love handles|a spare tire} {i want gone|to lose|}",
        "{i'm|i am} {trying|struggling} to {lose weight|get the weight off|keep the weight off}",
        "{my|the} {body fat|bmi|waistline} is {too high|way too high|not where i want it}",
    ],
    "muscle_gain": [
        "i {want|need|'d like|'d love} to {build|gain|put on|add} {muscle|some muscle|muscle mass|lean mass|size}",
        "i {want|'d like|need} to {get|be} {stronger|stronger overall|more toned|fit and strong|ripped|jacked|buff|bigger}",
        "{i'd like to|i want to} {tone up|bulk up|build strength|get some definition|get my strength back}",
        "{i've|i have} {lost|been losing} {muscle|strength|muscle mass} {with age|over the years|since i turned fifty}",
        "{my goal is|mostly it's|for me it's} {strength|muscle|getting stronger|building muscle|hypertrophy}",
        "i {want|'d like} {bigger|stronger} {arms|legs|shoulders|chest} {honestly|}",
        "{i want|i'd like} to {deadlift|squat|bench} {more|<n:200-400> pounds|heavier}",
        "i'm {skinny|too skinny|weak|soft|flabby} and {want|need} to {bulk up|build muscle|get stronger|tone up}",
        "{i'd like|i want} {to look|to be} {more athletic|fit|in shape|toned} {again|for once|}",
        "{lifting|strength training|weights} {is|would be} {the priority|my main thing|what i want}",
    ],
    "health": [
        "{the doctor|my physician|my cardiologist} {warned me|is on my case|has been pushing me} about {my lipids|my triglycerides|my blood pressure|my a1c}",
        "{my doctor|my gp|my cardiologist} {is worried about|flagged|keeps bringing up|isn't happy with} my {cholesterol|blood pressure|blood sugar|triglycerides}",
        "{high|borderline} {blood pressure|cholesterol} {runs in my family|is my main worry} and {my doctor|the doctor} {wants me to act on it|is concerned}",
        "my {blood pressure|cholesterol|blood sugar|glucose|triglycerides|a1c} {is|are} {too high|high|through the roof|not great|borderline}",
        "{my doctor|the doctor|my cardiologist} {says|told me|warned me} {i'm prediabetic|i'm at risk|i need to get healthier|my numbers are bad|my heart needs work}",
        "i {want|need|'d like} to {get healthier|be healthier|improve my health|take care of my health|live longer|be around for my kids}",
        "{my|the} {last checkup|blood work|annual physical|labs} {was|came back} {bad|not good|a wake up call|scary}",
        "{my dad|my father|my mother|my brother} {had|died of} {a heart attack|a stroke|diabetes} {at <n:50-65>|young|} and i {don't want that|want to avoid that|am worried}",
        "{i'm|i am} {prediabetic|borderline diabetic|on blood pressure meds|on statins} {and want to get off|and i hate it|}",
        "{longevity|my long term health|staying healthy as i age|healthy aging} {is|matters} {what i care about|the goal|a lot to me}",
        "i {want|need} to {eat better|fix my diet|stop eating junk|eat healthier} {for my health|because of my heart|}",
        "{my|the} {cholesterol|liver|heart|numbers} {scare|scares} me",
        "i {want|'d like} to {be healthy|stay healthy|stay active} {for my grandkids|when i retire|into my seventies|for the long run}",
        "{i have|i've got} {fatty liver|sleep apnea|high cholesterol|hypertension|type two diabetes}",
    ],
    "stress": [
        "{i'm|i am} {so |really |super |}{stressed|stressed out|burned out|burnt out|anxious|overwhelmed|frazzled}",
        "i {can't|don't|barely} {sleep|sleep well|sleep more than four hours|switch off|relax|unwind|turn my brain off}",
        "{stress|anxiety|burnout|my mental health|the pressure} {is|has been} {killing me|a real problem|getting to me|through the roof}",
        "i {wake up|keep waking up} at {three|four|<n:2-4>} {am|in the morning} {thinking about work|with my mind racing|}",
        "i {want|need|'d like} to {manage|handle|deal with|reduce|get on top of} {stress|my stress|anxiety|the pressure} {better|}",
        "{i'm|i am} {on edge|irritable|short with my kids|snapping at people} {all the time|lately|}",
        "{i have|i've had} {panic attacks|insomnia|trouble sleeping|bad sleep} {for months|lately|since the promotion|}",
        "{my|the} {sleep|sleep quality|mental health|mood} is {terrible|awful|a mess|not good}",
        "i {need|want} {some|more} {balance|peace of mind|calm|headspace|work life balance}",
        "{my therapist|my wife|my doctor} {says|thinks} {i'm burning out|i need to slow down|i'm too stressed}",
        "{i'm|i am} {running on|living on} {cortisol|adrenaline|fumes} {honestly|}",
    ],
    "energy": [
        "{i'm|i am|i feel} {always|constantly|so|just} {tired|exhausted|drained|wiped out|fatigued|sluggish}",
        "i {have|got} {no|zero|low} energy {anymore|lately|by the afternoon|}",
        "i {crash|hit a wall|fall asleep at my desk} {every afternoon|at three|after lunch}",
        "i {need|want} {more energy|to focus better|better focus|to be sharper|to think clearly|more stamina}",
        "i {can't|cannot} {focus|concentrate|keep up|think straight} {at work|in meetings|in the afternoon|anymore}",
        "{brain fog|fatigue|the afternoon slump|my energy} {is|has been} {a problem|killing my productivity|a big issue}",
        "i {live on|run on|drink} {coffee|energy drinks|six coffees a day|red bull} {to get through the day|just to function|}",
        "i {want|need} to {perform|be|feel} {better|sharper|at my best|more productive} {at work|in the office|for my team|}",
        "{my|i have no} {productivity|performance|drive|edge} {is down|has dropped|lately|anymore}",
        "i {want|'d like} to {keep up with|play with|have energy for} {my kids|the grandkids|my team} {again|}",
        "{by|at} {the end of the day|five pm|dinner} {i'm|i am} {dead|done|useless|a zombie}",
    ],
    "event_prep": [
        "{i have|i've got} {<kid_event>|a wedding|a marathon|a half marathon|a triathlon|a big trip|a photo shoot|a competition} {in|coming up in} {<n:2-9> months|june|the spring|the summer|october|a few months}",
        "i {want|need} to {get in shape|be ready|look good|be fit|be in shape} {for|before} {<kid_event>|the wedding|my wedding|the race|the trip|summer|the beach|our vacation|my fiftieth birthday}",
        "{i signed up|i registered|i'm signed up} for {a marathon|a half marathon|an ironman|a ten k|a five k|a tough mudder|a century ride}",
        "{we're|i'm} {going|hiking|climbing} {to|up} {kilimanjaro|machu picchu|the camino de santiago|everest base camp|the alps} {in|next} {<n:3-9> months|spring|summer|year}",
        "{my daughter|my son|my sister|my best friend} is getting married {in|this} {june|<n:2-9> months|the fall|summer} and i {want to look good|need to be ready|}",
        "{i have|there's} a {deadline|date|target date}: {the wedding|the race|my birthday|the reunion} {in|on} {may|august|<n:2-9> months}",
        "{i'm|i am} {training for|preparing for|getting ready for} {a race|a competition|a trek|a ski trip|a cycling event|a tournament}",
        "{i'd like to|i want to} {be ready|be in shape|peak} {by|for} {the summer|my vacation|the holidays|the event}",
        "{i'm|i am} {competing|racing|doing a triathlon} {in|this} {<n:2-9> months|spring|summer}",
    ],
    "rehab": [
        "{i'm|i am} {recovering|coming back} from {knee surgery|back surgery|a hip replacement|shoulder surgery|an acl tear|an injury|a herniated disc}",
        "{i have|i've got|i have had} {back pain|lower back pain|knee pain|a bad knee|a bad shoulder|a bad back|neck pain|sciatica} {for years|for months|lately|}",
        "{i hurt|i injured|i tore|i messed up} {my knee|my back|my shoulder|my ankle|my hamstring|my rotator cuff} {playing tennis|skiing|running|last year|a while ago|}",
        "{i want|i need|i'd like} to {rebuild|recover|rehab|strengthen} {my knee|my back|my shoulder|after the surgery|after my injury} {safely|properly|}",
        "{i had|i just had} {a baby|twins|a c section} {<n:2-9> months ago|recently|this year} and {want to|need to} {get my body back|recover|rebuild my core}",
        "{my|the} {physio|physical therapy|rehab} {ended|finished|is done} but {i still have pain|it still hurts|i'm not back to normal}",
        "{i can't|i cannot} {run|lift|play golf|bend over|sit long} {because of|with} {my back|my knee|the pain|the injury} {anymore|}",
        "{after|since} {my surgery|the accident|the operation|the fall} {i've|i have} {lost|not gotten back} {mobility|my strength|my fitness}",
        "{i have|i've got} {chronic pain|arthritis|a slipped disc|plantar fasciitis|tendinitis} {and want to work around it|}",
        "{my back|my knee|my shoulder|my hip} {hurts|kills me|is a mess} {every morning|all the time|when i train}",
        "{post partum|postpartum} {recovery|fitness|core work} is {what i need|my priority|the goal}",
    ],
}

NEED_GENERIC = [
    "{mainly|mostly|honestly|basically|for me} it's about {that|this|getting better|feeling better}",
]

# --------------------------------------------------------------------------- buying signals

BUYING: list[str] = [
        "{fine|ok then}, <amount> {works for me|is fair|i can do}. {put me down for it|go ahead and book it|let's get it scheduled}",
        "{you know what|ok you convinced me|fine}, {i'll do it|let's go for it|i'm sold}",
    "how do i {sign up|get started|start|join|enroll|register}?",
    "{ok |okay |alright |}{sign me up|let's do it|let's go|i'm in|count me in|let's get started|i'll take it}",
    "{can i|do you take|how do i} pay {by|with} {card|credit card|amex|paypal|bank transfer}?",
    "{when|how soon} {can|could} {we|i} {start|begin|have the first session|kick off}?",
    "{send|text|email} me the {payment link|invoice|contract|sign up link|registration link}",
    "{yes|yeah|sure|ok|okay} {i'll|i would|let's} {try|do} the {trial|free trial|first week|first session}",
    "{yeah|yes|sure} {book|schedule|set up} {the|a|my} {call|consultation|first session|assessment} {for|on} {monday|tuesday|thursday|friday|next week|tomorrow}",
    "{what's|what is} the next step?",
    "{can|could} we {start|begin} {next week|monday|tomorrow|this week|right away|on the first}?",
    "{where|what} do i {sign|need to do|fill in}?",
    "{let's|we can} {book|schedule|lock in} {the first session|a start date|the consultation|a call}",
    "{i'm|i am} {ready|ready to go|ready to start|ready to commit|sold}",
    "{which|what} {plan|package|option} {should i|do you recommend i} {take|go with|start with}?",
    "{put me down|pencil me in|book me} for {the twelve week program|the program|the executive plan|the trial}",
    "{do you have|is there} {availability|a slot|an opening} {next week|on monday|this week} {to start|}?",
    "{ok |alright |}{that works|that sounds good|deal} {let's|go ahead and} {book it|set it up|start}",
    "{can|could} {you|we} {set up|schedule} {the|my} {onboarding|first call|intake call} {for|on} {wednesday|friday|next week}?",
    "{yes|yeah} {the free trial|a trial week|a trial} {sounds|would be} {good|great|perfect} {let's do that|}",
    "{what|which} {card|details|info} do you need {from me|to get started|}?",
    "{i'd like to|i want to|i'll} {go ahead|move forward|sign up|join} {with the program|with it|today|}",
    "{do i|should i} pay {now|today|upfront|monthly}?",
    "{great|perfect|awesome} {i'll|let me} {grab|get} my {card|credit card|wallet}",
    "{how|when} {do|does} the {first session|onboarding|program} {start|work once i pay}?",
    "{sure|yes} {i'm free|i can do} {thursday|tuesday|friday|tomorrow} {at <n:2-9>|morning|afternoon} for the {call|consultation|assessment}",
]

# --------------------------------------------------------------------------- hard negatives

NEGATED: dict[str, list[str]] = {
    "price": [
        "{it's|this is} not {about|really about} the {money|price|cost}",
        "{money|price|cost|budget} {isn't|is not|is never} {the issue|the problem|an issue|a problem|a concern}",
        "i {can|can easily} afford {it|this|that} {that's not the problem|no problem|}",
        "{the price|the cost|the fee} {is fine|is ok|is reasonable|is fair|doesn't bother me|sounds fair}",
        "{i don't care|i'm not worried} about {the cost|the price|the money}",
        "{it's|that's} {not expensive|not that expensive|cheaper than i thought|a fair price}",
    ],
    "time": [
        "{time|my schedule|finding time} {isn't|is not} {the issue|the problem|a problem|an issue}",
        "i {have|'ve got} {plenty of|enough|the} time {now|these days|since i sold the company|}",
        "{my schedule|my calendar} is {pretty |actually |}{flexible|open|free} {these days|now|}",
        "i {can|could} {find|make} the time {no problem|for sure|}",
    ],
    "think_it_over": [
        "i {don't|do not} need to think about it",
        "{no need|there's no need} to {send me anything|send me info|wait|call me back}",
        "i {don't|do not} want to {wait|put it off|delay it} {any longer|anymore|}",
        "{i already|i've already} {thought about it|made up my mind|decided}",
    ],
    "skepticism": [
        "{i'm not|i'm not saying i'm} {skeptical|doubting it}",
        "i {believe|trust|know} {it|coaching|this stuff} {works|can work} {for people|}",
        "{i've|i have} {heard|read} {great|good} things about {you guys|altura|your coaches}",
        "i {don't|do not} doubt {it works|the program|you}",
    ],
    "has_alternative": [
        "i {don't|do not} have {a trainer|a coach|a gym|anyone|anything} {right now|at the moment|}",
        "{i'm not|i am not} {doing|using|working with} {anything|anyone|any program} {right now|at the moment|currently}",
        "i {quit|cancelled|stopped going to} {the gym|my trainer|my membership} {a while ago|last year|}",
        "{the|my} {app|gym|trainer} {didn't|never} {work|stick|help} so {i stopped|i quit|it's gone}",
    ],
    "needs_approval": [
        "i {don't|do not} need to {ask|check with|talk to} {anyone|my wife|my boss|my husband|anybody}",
        "{i make|i'm the one who makes} {my own decisions|the decisions|that call} {here|at home|}",
        "{it's|this is} {my decision|my call|up to me}",
        "{my wife|my husband|my partner} {is all for it|already agreed|wants me to do it|is supportive}",
    ],
    "not_interested": [
        "{i'm|i am} {not saying no|not saying i'm not interested}",
        "{i'm|i am} {interested|definitely interested|kind of interested|curious}",
        "{it's|this is} not that i {don't want it|am not interested}",
    ],
}

# questions that are not objections (and not buying signals)
QUESTIONS: list[str] = [
    "{so |}what {is actually|comes} in {the package|the monthly fee|it} for {that price|me}?",
    "{how|would} {that|the coaching} {work|still work} {with all my trips|when i'm abroad|from a hotel}?",
    "{am i|would i be} locked in, or {can i|could i} {leave|quit|drop out} {whenever|if it's not working}?",
    "how much {is it|does it cost|is the program|are we talking|is this|is that per month}?",
    "{what's|what is} the {price|cost|monthly fee|investment}?",
    "how does {it|this|the program|the coaching} work?",
    "{who|who exactly} {are the coaches|would be my coach|would i be working with}?",
    "{are|is} {the coaches|your coaches|the trainer} {certified|qualified|doctors|nutritionists}?",
    "how long is the program?",
    "{is it|is this|is everything} {online|in person|over zoom|on an app|by video}?",
    "how {often|many times a week} {do we|would we|would i} {meet|talk|have sessions}?",
    "{what|which} {credentials|certifications|experience} do {the coaches|your coaches|they} have?",
    "{do you|does the program} {include|cover} {nutrition|meal plans|sleep|workouts}?",
    "{what happens|how does it work} if i {travel|miss a session|am on the road}?",
    "{can i|is it possible to} {cancel|pause} {anytime|later}?",
    "{how|where} {did you|do you} get my {number|info}?",
    "is there {a contract|a minimum|a commitment|a minimum commitment}?",
    "{what|which} {results|kind of results} do {people|clients|your clients} {usually |}get?",
    "{who|what kind of people} {do you usually work with|are your clients}?",
    "{is it|is this} {one on one|in groups|personalized}?",
    "{what's|what is} {included|in the package|the difference between the plans}?",
    "{do you|can you} {work with|handle} {injuries|people my age|diabetics|vegetarians}?",
    "{how|in what way} is {this|it} different from a {gym|regular trainer|app}?",
    "{sorry |}{who is this|who am i speaking with|what company is this}?",
    "{can you|could you} {repeat that|say that again}?",
    "{what|which} {time zone|hours} {are|do} {the coaches|you} {in|work}?",
    "{is there|do you have} a {money back guarantee|refund policy|guarantee}?",
    "how {many|much} {clients|people} {have you|has altura} {worked with|helped}?",
]

SMALLTALK: list[str] = [
    "{hi|hello|hey} {yes|yeah|} {this is|it's} {him|her|me|speaking}",
    "{yes|yeah} {i have a minute|i've got a few minutes|go ahead|i can talk}",
    "{sorry|hold on} {i'm|i was} {driving|in the car|walking into a meeting|at the airport}",
    "{good|fine|not bad|doing well} {thanks|thank you} {and you|how are you|}",
    "{ok|okay|right|sure|got it|i see|makes sense|fair enough|uh huh|mhm}",
    "{yeah|yes} {i remember|i filled out the form|i saw the ad|i clicked on something}",
    "{can you|could you} {hear me|hear me ok} {now|}?",
    "{it's|the weather is} {crazy|raining|so hot} {here|today}",
    "{sorry|apologies} {the connection|the line|my signal} is {bad|breaking up}",
    "{go on|keep going|tell me more|interesting}",
    "{i see|ok|alright} {that's|that is} {interesting|good to know|helpful}",
    "{yes|yeah} {that's|that is} {right|correct|me}",
]

PROFILE: list[str] = [
    "{i'm|i am} <n:30-68> {years old|}",
    "{i'm|i am} {a|the} <role> {at|of} <company>",
    "i {run|own|manage|started} <company>",
    "i {work|work in|am in} {finance|sales|tech|law|real estate|medicine|consulting|logistics|insurance|banking}",
    "{i'm|i am} <n:30-68> and i {run|manage|own} <company>",
    "{i have|i've got} {two|three|four|<n:2-5>} {kids|children|teenagers}",
    "{i'm|i am} {married|divorced|single|a new dad|a new mom|a grandfather}",
    "i {live|am based} in {chicago|dallas|new york|the bay area|miami|toronto|london|denver|atlanta|houston}",
    "{i used to|i once} {play football|run|swim|play rugby|be an athlete} {in college|in high school|years ago}",
    "{i|we} {work from home|am in the office|travel} {most days|three days a week|a lot}",
]

ACKS_AFTER_HANDLING: list[str] = [
    "{ok|okay|hm|alright} {that makes sense|fair enough|i get it|i didn't know that|that's good to know|that helps}",
    "{yeah|ok} {i guess|maybe} {that could work|you're right|that's true}",
    "{interesting|ok|right} {tell me more|go on|keep going}",
    "{that's|that is} {fair|reasonable|good to hear|a good point}",
    "{ok|alright|right} {i see|i hear you|understood|got it}",
]

AMBIGUOUS_END: list[str] = [
    "{ok|alright|okay} {i'll|let me} {look at|check|read} the email {you send|later|tonight|}",
    "{ok|alright|okay} {thanks|thank you} {for the call|for your time|} {talk soon|bye|take care|}",
    "{sounds good|ok sounds good|alright} {thanks|bye|talk later|}",
    "{ok|alright} {we'll be in touch|i'll be in touch|let's stay in touch}",
    "{great|perfect|ok} {thanks|thank you} {bye|have a good one|have a good day|}",
]

GOODBYE: list[str] = [
    "{great|perfect|awesome|ok} {thanks|thank you} {bye|see you then|talk then|have a good day|}",
    "{ok|alright} {got it|see you monday|talk soon|looking forward to it}",
    "{thank you|thanks} {so much|a lot|} {bye|}",
]

POSITIVE: list[str] = [
    "{that|this} sounds {interesting|good|pretty good|great|like what i need}",
    "{i like|i love} {that|the sound of that|the idea}",
    "{that's|that is} {exactly|kind of} what i {need|was looking for|want}",
    "{ok|yeah} {i'm|i am} {listening|intrigued|curious}",
]

# --------------------------------------------------------------------------- glue

OPENERS: list[str] = [
    "{yeah|yes|well|so|look|listen|honestly|ok|okay|oh|hmm|right|see|i mean|you know|to be honest|to be fair|the thing is}",
]
FILLERS: list[str] = [
    "um",
    "uh",
    "like",
    "you know",
    "i mean",
    "kind of",
    "so",
    "well",
    "er",
    "hmm",
]
HEDGES: list[str] = [
    "{honestly|to be honest|truthfully|frankly|i mean|i guess|i think|i feel like|the thing is|the problem is}",
]
JOIN_CONTRAST: list[str] = [
    "but",
    "but honestly",
    "but the thing is",
    "but then again",
    "though",
    "but you know",
    "however",
    "the problem is",
]
JOIN_ADD: list[str] = ["and", "and also", "also", "plus", "and on top of that", "and", "oh and"]
JOIN_SO: list[str] = ["", "so", "ok so", "and"]
JOIN_REASON: list[str] = ["because", "since", "cause", "because like"]
JOIN_AFTER_NEGATION: list[str] = [
    "it's more that",
    "it's just that",
    "it's that",
    "the real issue is",
    "it's really that",
    "what worries me is that",
    "",
]
CODESWITCH: list[str] = [
    "bueno",
    "o sea",
    "pues",
    "mira",
    "la verdad",
    "no se",
]

NEGATED_NEEDS: dict[str, list[str]] = {
    "weight_loss": [
        "{i'm not|i am not} {trying|looking} to lose weight",
        "{my weight|weight} {isn't|is not} {the issue|a problem|what i'm worried about}",
        "i {don't|do not} need to lose {weight|any weight|pounds}",
    ],
    "muscle_gain": [
        "i {don't|do not} want to {bulk up|get big|look like a bodybuilder}",
        "{i'm not|i am not} {trying|looking} to {build muscle|get huge|get jacked}",
    ],
    "health": [
        "{my health is fine|my numbers are fine|my blood work is great|my doctor says i'm healthy}",
        "{i'm|i am} {healthy|perfectly healthy} {health wise|medically|}",
    ],
    "stress": [
        "{i'm not|i am not} {stressed|stressed out|anxious}",
        "{i sleep|i actually sleep} {fine|great|well}",
        "{stress|sleep} {isn't|is not} {the issue|a problem}",
    ],
    "energy": [
        "{my energy is fine|i have plenty of energy|energy isn't the problem|i'm not tired}",
    ],
    "event_prep": [
        "{there's no|i don't have a|i don't have any} {event|wedding|race|deadline|date} {coming up|}",
    ],
    "rehab": [
        "{i have no|i don't have any|no} {injuries|pain|back problems}",
        "{my back|my knee|my shoulder} is {fine|totally fine} {now|}",
    ],
}

# --------------------------------------------------------------------------- more paraphrases
# A second pass per label: other ideas and other sentence shapes for the same labels.

_MORE_OBJECTIONS: dict[str, list[str]] = {
    "price": [
        "i {can't|couldn't} {swing|stomach|manage|handle} {that|that price|that amount|<amount>}",
        "{that's|it's} {a lot of money|real money|serious money} {for me|every month|}",
        "{it|that} {costs|is} more than {my car payment|my mortgage|what i pay for my gym|i expected}",
        "{it's|the price is} {just |}{not in my price range|out of my price range|outside my price range}",
        "{i'm|we're} {not made of money|not rich|not a millionaire}",
        "{i'd|i would} {love to|like to} but {i can't afford it|the money isn't there|it's too much money}",
        "{that|it} {seems|sounds|feels} {overpriced|a bit much|like a lot|steep} {for what you get|to me|}",
        "{that's crazy|no way|wow} <n:3-9> hundred a month for {coaching|a coach|this}",
        "how come {it's|this is} so {expensive|pricey}?",
        "{can i|could i} get {a better price|a better deal|a lower price}?",
        "{my|our} {finances|budget|cash flow} {can't|won't} {handle|support|take} {that|this|another expense} {right now|}",
        "{i'm|i am} already paying for {too many things|a lot of bills|two mortgages|school fees}",
        "{it's|that's} {pricier|more expensive} than {i thought|i expected|other programs|a gym}",
        "{i|we} {can't|cannot} {spend|afford to spend} {money|that money} on {extras|luxuries|this kind of thing} {right now|this year|}",
        "{the money|the cost|the investment} {is|would be} {a problem|hard|tough} {for me|}",
        "i {saw|checked} the {price|pricing} {online|on your website} and {it's too high|it's way too much|i almost fell off my chair}",
        "{i|we} {just can't|can't really} justify {the expense|the cost|it} {right now|}",
        "{other|cheaper} {programs|apps|coaches} {cost|are} {half|a fraction} of that",
        "{i'd|i would} {pay|do it} if it {were|was} {cheaper|half the price|less}",
        "{it's|that's} {not worth|too much for} {it|what it is|a few calls}",
        "the {cost|price|fee|monthly payment} {is|seems} {prohibitive|ridiculous|crazy|excessive}",
        "{that's|it's} more than i {can|can afford to|want to} {pay|spend|budget}",
        "i {have|'ve got} {other|more important} {priorities|expenses|bills} for that money",
        "{i'm|i am} {broke|strapped for cash|short on cash|low on funds} {this month|right now|}",
        "{my|the} bonus {didn't come|was small} this year so {money's tight|no extras|i can't}",
        "{the|your} {price|pricing} {scares|scared} me {off|a bit|}",
        "{i|we} {can't|cannot} {afford|pay for} {coaching|a coach|luxuries} {on|with} {one income|my salary|a teacher's salary}",
        "{i'm|i am} {saving|trying to save} {money|every penny} {right now|for retirement|for a house}",
        "{paying|spending} <amount> {on|for} {this|coaching} {is|would be} {hard|impossible|a lot} for me",
    ],
    "time": [
        "{i'm|i am} {never|rarely|hardly ever} {home|in town|in one place}",
        "{my|the} days are {back to back|wall to wall} {meetings|calls}",
        "i {don't|do not} {even |}have time {to go to the gym|to work out|for lunch|to cook|to see my kids}",
        "i {leave|get up} {at five|before dawn|early} and {get back|come home} {late|at night|after dark}",
        "{it's|this is} {our|my} {busiest|crazy|peak} {season|quarter|time of year}",
        "{i|we} {have|'ve got} {a newborn|three kids|twins|a toddler} {at home|} so {no time|there's no time|time is tight}",
        "{finding|making} {the |}time {would be|is} {impossible|really hard|tough}",
        "{i'm|i am} {working|doing} {two jobs|double shifts|overtime|weekends} {right now|}",
        "{my|the} {commute|travel schedule|work schedule} {kills|eats} {my|all my} {time|day|evenings}",
        "i {can't|won't be able to} {make|keep} {regular|weekly|fixed} {appointments|sessions|calls}",
        "{i'm|i am} {out of the country|abroad|overseas} {half the year|most months|a lot}",
        "{too|very|super} {busy|hectic} {right now|at the moment|these days|at work}",
        "{there|there just} {aren't|are not} enough hours in the day",
        "{my time|every minute|every hour} is {accounted for|spoken for|booked}",
        "i {have|'ve got} {no|zero} {free time|spare time|downtime|time to myself}",
        "i {can't|cannot} {even |}{fit in|find} {a thirty minute|a half hour|an hour} {call|workout|walk}",
        "{work|my job} {is|has been} {crazy|insane|nonstop|relentless} {lately|these days|}",
        "{i'm|i am} {on call|in surgery|in court|on the road} {all the time|constantly|most days}",
        "{where|when} {would i|am i going to} find the time?",
        "{i|i'm} {barely|hardly} {see|seeing} my {family|kids|wife|husband} {as it is|already|}",
        "{my|our} {company|team} is {short staffed|growing fast|in crisis mode} so {i'm|i am} working {nonstop|around the clock}",
        "i {just|only} {have|get} {like |}{ten|fifteen|twenty} minutes {a day|to myself|free}",
    ],
    "think_it_over": [
        "{i'll|i will} {think about it|consider it|give it some thought} {and call you back|and let you know|}",
        "{i'm|i am} not {ready|sure} {yet|right now|to commit}",
        "{let me|i'll} {talk it over|chew on it|digest this|process this|review it} {first|}",
        "{maybe|perhaps} {later|another time|some other time|in a while|in the spring|after the new year}",
        "{can we|let's} {talk|touch base|reconnect|circle back|follow up} {in a few weeks|next month|later|after the holidays}",
        "{just |}{send|forward|drop} me {an email|a pdf|the brochure|a link|some material} {please|}",
        "{not|no} {today|right now|this week} {thanks|}",
        "i {don't|never} {make|like making} {decisions|big decisions|purchases} {on the spot|right away|under pressure|over the phone}",
        "{i'd like|i want|let me have} {some time|a little time|a few days} to {think|decide|consider|look into it}",
        "{i'm|i am} {going to|gonna} {wait|hold off} {a bit|for now|until things settle|until next year}",
        "{i'll|let me} {check|look at} {your website|the reviews|the details} {first|and get back to you}",
        "{now isn't|now is not|it's not} {the right time|a good time|the best time} {for me|to start|}",
        "i {have|need} to {think|sleep} on it",
        "{i'm|i'm still} {weighing|considering|thinking about} {my options|it|a few things}",
        "{i'd rather|i prefer to} {wait|not rush|take my time}",
        "{keep|put} me {in mind|on your list} {for later|for next year|}",
        "{could|can} we {start|do this} {later|in a couple of months|next year}?",
        "{i'm|i am} {interested|curious} but {not now|not yet|maybe later|i need time}",
        "{give me|i'll need} {until|till} {friday|monday|the end of the month|next week} {to decide|to think|}",
    ],
    "skepticism": [
        "{i'm not sure|i don't know if} {this|coaching|it} {will|would|can} {help|work for|do anything for} me",
        "{i've|i have} {wasted|lost} {money|a lot of money} on {stuff|things|programs|coaches} like this {before|}",
        "how {would|is} {this|yours} {be |}different {from what i've tried|this time|}?",
        "{it sounds|that sounds} {like a lot of hype|like a sales pitch|gimmicky|too easy}",
        "{i've|i have} never {had|seen} {results|any results|success} {with|from} {coaches|programs|diets}",
        "i {don't|do not} {trust|believe in} {online|virtual|phone} {coaching|programs|trainers}",
        "{prove it|show me proof|show me results|i need proof}",
        "{i'll believe it when i see it|seeing is believing}",
        "{what|which} {guarantee|evidence} do i have {it'll work|that this works|}?",
        "{nothing|no diet|no trainer} {has ever|ever} {worked|stuck} {for me|}",
        "i {always|eventually} {fall off|give up|lose motivation} {so why would this be different|}",
        "{i'm|i am} {wary|suspicious|cautious} {of|about} {these things|programs like this|coaching companies}",
        "i {just |}don't see how {a coach|this|a program} {would|could} {help|change anything|make a difference}",
        "{it's|this is} {probably|likely} {a scam|a waste of money|just marketing|another fad}",
        "{my|a} friend {tried|did} {something like this|your program|a coach} and {it didn't work|got nothing out of it|quit}",
        "{i'm|i am} {too old|too far gone|too out of shape} for {this|it} to work",
        "{are|is} {the results|this} {real|legit|for real}?",
        "{i'm|i am} {not convinced|unconvinced} {it works|this works|yet}",
        "{i've|i have} {heard|read} {bad things|mixed reviews|horror stories} about {these programs|online coaches|companies like yours}",
        "{coaches|trainers|these guys} {always|just} {overpromise|promise the world|say that}",
    ],
    "has_alternative": [
        "i {already |}{work out|train|exercise} {at|with} {my gym|the gym|my company gym|the y|a club} {already|every day|}",
        "{i'm|i am} {happy|fine|good} with {my trainer|my coach|my gym|my current routine|what i have|my setup}",
        "{i|we} {have|'ve got} {a membership|a family membership} {at|with} {equinox|planet fitness|a gym|a club}",
        "i {already |}{see|have|visit} {a nutritionist|a dietitian|a physical therapist|a chiropractor} {regularly|every month|}",
        "i {just |}{use|follow|watch} {youtube|free videos|instagram workouts|a podcast|chatgpt} {for that|for workouts|}",
        "{i'm|i am} {doing|following} {my own thing|my own program|my own plan|intermittent fasting}",
        "{my|the} {doctor|cardiologist|dietitian} {is already|already} {handling|managing|helping me with} {that|it|my diet}",
        "{i|we} {have|'ve got} {a gym|a coach|a trainer} {at work|in my building|at the office}",
        "{i'm|i am} {part of|in|a member of} {a running club|a cycling club|a crossfit gym|a boot camp|a sports club}",
        "i'd {rather|prefer to} {train|work out} {by myself|alone|at my own pace|on my own schedule}",
        "i {already |}{pay|paid} for {a trainer|a gym|an app|a program}",
        "i {just |}{walk|hike|swim|bike|play pickleball|play soccer} {every day|a lot|on weekends} {and that's enough|}",
        "{i've|i have} {a|my} {peloton|treadmill|home gym|rower} {and|so} {i'm set|that's enough|i'm covered}",
        "i {already |}{get|have} {coaching|a coach|a plan} {through|from} {work|my employer|my insurance|my club}",
        "{someone|a friend|my brother} {already |}{coaches|trains|helps} me {for free|on weekends|}",
        "{i'm|i am} {sticking|going to stick} with {my trainer|my gym|what i'm doing|my routine}",
    ],
    "needs_approval": [
        "i'd {have to|need to} {discuss|clear|run} {it|this} {with|by} <approver>",
        "{<spouse>|<boss>} {has|gets} {the final say|the last word}",
        "{let me|i need to} {ask|check with|consult} <approver> {and i'll call you back|first|}",
        "{i|we} {share|have joint} {finances|accounts} so i {need|have} to {ask|check with} <spouse>",
        "{the|my} {company|employer} {would|might} {pay|cover it} {but i need approval|if my manager approves|}",
        "i'd need {approval|sign off|permission|a yes} from <approver> {first|}",
        "{i can't|i'm not allowed to} {start|do} {any|an} exercise {program|plan} {until|without} <doctor> {clears me|says it's ok|}",
        "{<spouse>|<approver>} {would|will} {want|need} to {be involved|weigh in|hear about this|look at it}",
        "{any|every} {expense|purchase} {over|above} {five hundred|a thousand|a certain amount} {needs|has to get} {approval|sign off}",
        "{i'll|i will} {bring it up|mention it|pitch it} {to|with} <approver> {tonight|this week|at the next meeting}",
        "{it's|that's} {a family decision|a joint decision|a company decision|a team decision}",
        "{our|my} {budget is|expenses are} {managed|controlled|approved} by <approver>",
        "{i|i'd} {need|want} to {get|have} <approver> {on board|to agree|to say yes} {first|before i commit|}",
    ],
    "not_interested": [
        "{no|nope|nah} {thanks|thank you}",
        "i {don't|do not} {have any|see any|feel any} {interest|need} {in this|in that|}",
        "{i'm|i am} {good|all good|ok|fine} {thanks|thank you} {bye|}",
        "{this|that} {isn't|is not} {something|anything} {i need|i'm looking for|i want}",
        "i {really |}{don't|do not} care about {fitness|this stuff|coaching}",
        "{i'm|i am} {perfectly |}{happy|content|satisfied} with {my life|my health|how i look|myself}",
        "{don't|do not} {call|contact|email|text} me {again|anymore|ever again}",
        "{i've|i have} never {wanted|asked for|needed} {this|a coach|a call}",
        "{sorry|thanks} but {no|this isn't for me|i'm not the right person|i'll pass}",
        "{save|don't waste} your {breath|time} {i'm not buying|i'm not interested|}",
        "{coaching|fitness coaching|a program like this} {isn't|is not} {for me|my thing|on my radar}",
        "i {have|'ve got} no {reason|need|desire} to {change|do this|sign up}",
        "{i|we} {aren't|are not} {interested|in the market} {at all|for this|}",
        "{please |}{remove|delete} {me|my number|my email} from {your list|your database|the list}",
        "{i'm|i am} {fine|good} {thanks|} {i don't need a coach|i don't need help|nothing to change}",
    ],
}

_MORE_NEEDS: dict[str, list[str]] = {
    "weight_loss": [
        "{i'd like|i want|i need} to {fit into|get back into} {my old jeans|my suits|my clothes|a smaller size}",
        "{i'm|i am} {<n:10-60> pounds|<n:5-25> kilos|a lot|way} {overweight|over my ideal weight|heavier than i should be}",
        "{my doctor|the doctor} {wants|told} me to {lose|drop} {weight|<n:10-40> pounds|some weight}",
        "{i want|i'd like} {a flatter stomach|a smaller waist|to see my abs again|to get rid of this belly}",
        "i {can't|cannot|have never been able to} {keep|get} the weight off",
        "{losing|dropping|shedding} {weight|pounds|fat|the belly} {is|would be} {my goal|the main goal|priority one|number one}",
        "{i|i've} {gained|put on} the {quarantine|covid|pandemic|pregnancy} {weight|pounds}",
        "{i want|i'd like|i need} to {get|be} {slimmer|thinner|leaner|lighter|smaller}",
        "{i|i've} {eat|been eating} {too much|junk|out every night} and {it shows|i've gained weight|the weight piled on}",
        "{i'm|i am} {tired of|sick of|embarrassed by} {being heavy|being fat|my weight|how i look in photos}",
        "{my|the} {weight|extra weight} is {hurting my knees|affecting my health|getting out of hand}",
    ],
    "muscle_gain": [
        "{i want|i'd like|i need} to {put on|pack on|add} {some|a few pounds of|more} {muscle|size|mass}",
        "{i want|i'd like} to {look|feel|be} {stronger|more muscular|more defined|athletic}",
        "{i'm|i am} {weak|not strong|losing strength|getting weaker} {and want to fix that|}",
        "{i want|i'd like} {abs|a six pack|definition|muscle tone|a stronger core}",
        "{i want|i'd like} to {start|get into|get serious about} {lifting|weight training|strength training}",
        "{i want|i'd like} to {do|be able to do} {pull ups|push ups|a pull up|a real push up}",
        "{i've|i have} {lost|been losing} {a lot of |}{muscle|tone|strength} {since|after} {i turned forty|covid|menopause}",
        "{sarcopenia|muscle loss|losing muscle} {worries|scares|concerns} me",
        "{getting|being} {stronger|strong} {matters|is important} {to me|as i age|}",
        "{i'm|i am} {a hard gainer|skinny fat|too thin} {and want|and need} {to gain|more} {muscle|size}",
    ],
    "health": [
        "{i want|i need|i've been told} to {lower|bring down|get down} my {blood pressure|cholesterol|sugar|a1c|ldl}",
        "{i'm|i am} {worried|concerned} about my {heart|health|blood pressure|cholesterol|liver}",
        "i {just |}{want|need} to {be|feel} {healthy|healthier|well} {again|for the long run|}",
        "{diabetes|heart disease|high blood pressure} {runs|run} in my family",
        "{i had|i've had} a {health scare|heart scare|mini stroke|cardiac event} {last year|recently|a while ago}",
        "{i want|i'd like} to {get off|reduce|stop taking} {my|the} {medication|meds|pills|statins|insulin}",
        "{i want|i'd like} to {age well|live a long life|be healthy at seventy|reduce my health risks}",
        "{i want|i'd like} {better|good} {blood work|health markers|numbers|checkups}",
        "{the doctor|my doctor} {says|said} {i'm|i am} {at risk for|heading towards|borderline for} {diabetes|heart disease|a heart attack}",
    ],
    "stress": [
        "{i|i've} {feel|been feeling} {overwhelmed|anxious|stressed|on edge|burned out} {all the time|at work|lately}",
        "{my|the} {job|work|business} {is|has been} {so |very |}{stressful|high pressure|intense} {and it's affecting me|}",
        "{i need|i want|i'd like} {help|tools} {with|to manage} {stress|anxiety|my nerves|the pressure}",
        "i {can't|struggle to} {fall asleep|stay asleep|sleep through the night}",
        "{i'm|i am} {exhausted|burned out} {mentally|emotionally}",
        "{i want|i'd like} to {feel|be} {calmer|more relaxed|less anxious|less stressed|at peace}",
        "{i'm|i am} {getting|having} {headaches|migraines|chest tightness} from {stress|the stress|anxiety}",
        "my {cortisol|stress levels|anxiety} {are|is} {through the roof|sky high|off the charts}",
        "i {need|want} to {learn to |}{switch off|disconnect|decompress|unwind} {after work|at night|on weekends}",
        "{insomnia|lack of sleep|poor sleep} {is|has been} {killing me|a problem|wrecking me}",
        "{my job's|work's|work is|my job is} {killing me|crushing me|eating me alive|insane} {right now|lately|} {and i can't sleep|and i'm not sleeping|and i'm exhausted|}",
        "i {can't|don't} sleep and {work|my job} is {killing me|crushing me|insane}",
    ],
    "energy": [
        "{i'm|i am} {running on empty|running on fumes|dragging|sluggish} {all day|by noon|most days|}",
        "i {just |}{need|want} {more|better} {stamina|energy|vitality|drive} {during the day|at work|}",
        "{i feel|i'm} {tired|exhausted|drained|sleepy|lethargic} {all the time|constantly|every afternoon|by three pm}",
        "{i'm|i am} {not|no longer} {as productive|as sharp|as focused} {as i used to be|as i should be|at work}",
        "{i want|i'd like} to {wake up|get up} {with energy|feeling rested|refreshed|ready to go}",
        "my {energy levels|energy|motivation} {are|is} {low|terrible|in the tank|zero}",
        "{i want|i'd like} to stop {relying on|needing} {coffee|caffeine|sugar|energy drinks} {to get through the day|}",
        "{i want|i'd like} to {be more|feel more} {alert|energetic|focused|productive|present} {at work|for my family|}",
        "{i'm|i am} {always|constantly} {yawning|nodding off|falling asleep} {in meetings|at my desk|on the couch}",
        "my {performance|productivity|focus} {at work|in my job} {is|has been} {slipping|suffering|down}",
        "{i want|i need} {my|the} {energy|edge|spark} {back|i used to have}",
    ],
    "event_prep": [
        "{i'm|i am} {getting married|walking my daughter down the aisle|the best man} {in|next} {june|<n:2-9> months|spring|year}",
        "{we have|i have|there's} {a|our} {cruise|beach trip|family reunion|wedding|vacation} {coming up|in <n:2-9> months|this summer}",
        "{i want|i'd like} to {run|finish|complete} {a marathon|my first half marathon|a ten k|a triathlon} {this year|next spring|in <n:3-9> months}",
        "{i'm|i am} {turning|about to turn} {forty|fifty|sixty} {in|this} {<n:2-9> months|summer|year} and {want to be in shape|want to look great|}",
        "{i'm going|we're going} {skiing|hiking|trekking|on safari|to the beach} {in|this} {<n:2-9> months|winter|summer} and {i need to be fit|i want to be ready|}",
        "{i have|there's} a {photo shoot|tv appearance|keynote|big presentation} {coming up|in <n:2-9> weeks}",
        "the {wedding|race|trip|competition|event} is {in|on} {<n:2-9> months|may|june|september|october}",
        "{i'm|i am} {training|preparing|getting ready} for {a tournament|a mountain climb|a century ride|a golf trip}",
        "{i want|i need} to {be ready|peak|be in top shape} {by|for} {a specific date|the big day|race day|the wedding day}",
    ],
    "rehab": [
        "{i have|i've got|i've been dealing with} a {bad|herniated|bulging} {disc|back} {for a while|}",
        "{i'm|i am} {coming back|returning} {from|after} {an injury|surgery|a car accident}",
        "{my|the} {knee|back|shoulder|hip|neck} {has been|is} {bothering me|giving me trouble|acting up|painful} {for months|lately|}",
        "{i want|i need} to {get back to|return to} {running|tennis|golf|the gym} {after|since} {my surgery|my injury|the operation}",
        "{i had|i just had} {an acl reconstruction|a knee replacement|rotator cuff surgery|spine surgery} {last year|<n:2-9> months ago|recently}",
        "{i want|i'm trying} to {strengthen|protect} my {back|knees|joints|core} {so it doesn't happen again|after the injury|}",
        "{i have|i live with} {chronic|constant|daily} {pain|back pain|joint pain}",
        "{i had|i was in} {a car accident|a bad fall|a skiing accident} and {i'm still recovering|i need to rebuild}",
        "{after giving birth|after my pregnancy|since the baby} my {body|core|back} {is|feels} {weak|not the same|a mess}",
        "{i need|i want} {someone|a coach} who {understands|can work with} {injuries|my injury|my back|my bad knee}",
    ],
}

_MORE_BUYING: list[str] = [
    "{how|where} {do|can} i {pay|make the payment|put my card}?",
    "{go ahead|please go ahead} and {sign me up|book it|charge my card|set it up}",
    "{what|when} {are|is} {the start dates|the next start date|the next available slot}?",
    "{i'll|i will} {take|do|go with} {the|that} {program|plan|package|assessment}",
    "{yes|yeah|sure|absolutely|definitely} {let's|i want to|i'd like to} {get started|start|move forward|book it|do it}",
    "{book|reserve|schedule} {me|it} {in|for} {the assessment|the first session|a consultation} {please|}",
    "{can|could} you {send|email} me {the|a} {contract|agreement|payment link|sign up form} {today|now|}",
    "{do you|can you} take {visa|amex|apple pay|a corporate card}?",
    "{sounds good|perfect|great} {when|how soon} can {i|we} {start|begin}?",
    "{ok|alright} {i'm|i am} {convinced|sold|in} {what do you need from me|what's next|}",
    "{yes|yeah} {a call|a consultation|the assessment} {on|this} {thursday|friday|next week|tomorrow} {works|sounds good|is fine}",
    "{let's|i'd like to} {try|book|do} {the|a} {trial|assessment|first session} {this week|tomorrow|asap|}",
]

_CONTEXT: list[str] = [
    "my {job|day} is {mostly |}{screens and meetings|desk work|sitting} {from morning to night|all day} and {lunch|dinner} is {whatever's quick|takeout|from the vending machine}",
    "{basically |}i {drive to the office|commute an hour}, {sit|stay} {in meetings|at my computer} {until seven|all afternoon} and {order in|grab fast food}",
    "{i'm|i am} {on my feet|in the car|in the operating room|at the trading desk} {most of the day|all day} and {skip meals|eat on the run}",
    "{i looked at|i checked out|i saw} your {website|ad|instagram} {the other day|last week|}",
    "{a friend|my colleague|my brother} {told me about you|did your program|recommended you}",
    "{i've|i have} been {thinking about|meaning to do} something like this {for a while|for years|}",
    "{so|ok so} {here's the thing|let me be straight with you|to be clear}",
]

for _label, _items in _MORE_OBJECTIONS.items():
    OBJECTIONS[_label].extend(_items)
for _label, _items in _MORE_NEEDS.items():
    NEEDS[_label].extend(_items)
BUYING.extend(_MORE_BUYING)
CONTEXT: list[str] = _CONTEXT

# --------------------------------------------------------------------------- combined ideas
# One clause carrying several labels at once: (objections, needs, buying, template).

COMBOS: list[tuple[tuple[str, ...], tuple[str, ...], bool, str]] = [
    (
        ("time",),
        ("weight_loss",),
        False,
        "i {don't|do not|just don't} have {the |}time to {lose weight|get the weight off|work on my weight|diet properly}",
    ),
    (
        ("time",),
        ("muscle_gain",),
        False,
        "i {can't find the time to|don't have time to} {get to the gym|lift|train} {enough|three times a week} to {build muscle|get stronger}",
    ),
    (
        ("time",),
        ("stress",),
        False,
        "{my schedule|work} is so {packed|crazy|insane} that {i'm stressed all the time|i can't sleep|i'm burning out} and there's no time to {fix it|deal with it|do anything about it}",
    ),
    (
        ("time",),
        ("energy",),
        False,
        "{i'm|i am} {too tired|too exhausted|too drained} {from|after} {work|the travel|twelve hour days} to {find time for|fit in} {this|a program|workouts}",
    ),
    (
        ("time",),
        ("health",),
        False,
        "i know {my cholesterol|my blood pressure|my health} {needs work|is bad} but i {just |}don't have the time",
    ),
    (
        ("price",),
        ("rehab",),
        False,
        "{physio|physical therapy|my back treatment} {already costs|is already costing} me {a fortune|a lot} so {i can't add|i can't pay for} {this|another program}",
    ),
    (
        ("price",),
        ("weight_loss",),
        False,
        "i {want|need} to lose weight but {not at that price|i can't spend <amount> on it|that's too expensive}",
    ),
    (
        ("price",),
        ("event_prep",),
        False,
        "{the wedding|the trip|the wedding and the honeymoon} {is already costing|already cost} {us|me} {a fortune|too much} so {i can't spend more|no budget for this}",
    ),
    (
        ("needs_approval",),
        ("rehab",),
        False,
        "{my surgeon|my physio|my doctor} {has to|needs to} {clear me|sign off} before i {train|do anything} {on my knee|with my back|after the surgery}",
    ),
    (
        ("needs_approval",),
        ("health",),
        False,
        "{with my heart condition|after my stent|with my blood pressure} {my cardiologist|my doctor} {would have to|needs to} approve {any|an exercise} program",
    ),
    (
        ("has_alternative",),
        ("weight_loss",),
        False,
        "{i'm|i am} {already on|taking} {ozempic|wegovy|a weight loss shot|a diet program} {for the weight|to lose weight|}",
    ),
    (
        ("has_alternative",),
        ("stress",),
        False,
        "i {already |}see a {therapist|psychologist|counselor} for {the stress|my anxiety|burnout}",
    ),
    (
        ("has_alternative",),
        ("rehab",),
        False,
        "{my physio|my physical therapist|the rehab clinic} {already gave|is already giving} me exercises for my {knee|back|shoulder}",
    ),
    (
        ("has_alternative",),
        ("muscle_gain",),
        False,
        "i {already |}{lift|train} with {a trainer|my trainer|a coach} {to build muscle|for strength}",
    ),
    (
        ("has_alternative",),
        ("health",),
        False,
        "{my doctor|my cardiologist|my gp} {already has me on|already gave me} a plan for {my blood pressure|my cholesterol|my sugar}",
    ),
    (
        ("skepticism",),
        ("weight_loss",),
        False,
        "{i've|i have} {tried|done} {every diet|keto|weight watchers|everything} and {the weight|it} always comes back",
    ),
    (
        ("skepticism",),
        ("stress",),
        False,
        "i {doubt|don't think} {a coach|this|an exercise program} {can|will} {fix|help with} {my stress|my sleep|my anxiety}",
    ),
    (
        ("skepticism",),
        ("energy",),
        False,
        "i'm not sure {coaching|a program} {will|can} {fix|help} {my energy|the fatigue|how tired i am}",
    ),
    (
        ("skepticism",),
        ("rehab",),
        False,
        "i {doubt|don't see how} {an online coach|someone on zoom} {can|could} {help|fix} {my back|my knee|an injury}",
    ),
    (
        ("think_it_over",),
        ("event_prep",),
        False,
        "{the wedding|the race|my trip} is not until {next year|the fall|<n:6-12> months from now} so {i'll|let me} {think about it|wait|decide later}",
    ),
    (
        ("think_it_over",),
        ("weight_loss",),
        False,
        "{i'll|i will} {start|deal with} {my weight|the diet|losing weight} {after the holidays|in january|next month}",
    ),
    (
        (),
        ("weight_loss", "health"),
        False,
        "{my doctor|the doctor} {wants|says} me to lose {weight|<n:10-40> pounds} {for|because of} my {blood pressure|cholesterol|blood sugar|heart}",
    ),
    (
        (),
        ("rehab", "weight_loss"),
        False,
        "{losing weight|dropping some pounds} {would help|would take pressure off} my {knees|back|bad knee}",
    ),
    (
        (),
        ("stress", "energy"),
        False,
        "{i'm|i am} {stressed|burned out} and {exhausted|tired|drained} {all the time|every day}",
    ),
    (
        (),
        ("event_prep", "weight_loss"),
        False,
        "i {want|need} to {lose|drop} {<n:5-20> pounds|some weight} {before|for} {the wedding|my daughter's wedding|the beach trip|summer}",
    ),
    (
        (),
        ("event_prep", "muscle_gain"),
        False,
        "i {want|need} to {get stronger|build strength|build my legs} {for|before} {a ski trip|the hike|the race|the season}",
    ),
    (
        (),
        ("rehab", "muscle_gain"),
        False,
        "i {want|need} to {rebuild|get back} {the strength|the muscle} in my {leg|knee|shoulder} after {surgery|the injury}",
    ),
    (
        (),
        ("health", "energy"),
        False,
        "{my blood work|my thyroid|my iron} {is off|came back low} and {i'm tired all the time|i have no energy}",
    ),
    (
        (),
        ("stress", "health"),
        False,
        "{the stress|my job} is {wrecking|ruining} my {health|blood pressure|heart}",
    ),
    (
        ("price",),
        (),
        True,
        "{if|as long as} {the price|it} {is|stays} under <n:2-5> hundred a month {i'm in|sign me up|let's do it}",
    ),
    (
        ("needs_approval",),
        (),
        True,
        "i {want|would like} to {sign up|start} but {let me|i need to} {check with|ask} <spouse> {first|tonight}",
    ),
    (
        ("time",),
        (),
        True,
        "{can we|could we} start {after|once} {my trip|the quarter ends|this project} {since|because} {i'm slammed|i'm traveling|i'm swamped} until then?",
    ),
]

# --------------------------------------------------------------------------- casual spoken register
# How people actually talk on the phone: short, informal, half-finished.

_CASUAL_OBJECTIONS: dict[str, list[str]] = {
    "price": [
        "{that's|it's} {way |}more than i was {planning|hoping|expecting} to spend",
        "{that's|it's} {a lot of cash|crazy money|a bit rich for my blood|out of my league|out of reach}",
        "i {wasn't|was not} {planning on|budgeting for} spending {that|that much|that kind of money}",
        "i'd have to {dip into|raid} {my savings|the savings|my retirement} {for that|}",
        "{that's|it's} {like|basically} {a car payment|my rent|a mortgage payment|a vacation} {every month|}",
        "i'm trying to keep {costs|spending|expenses} down {right now|this year|}",
        "{not gonna lie|honestly|man} {that's|it's} {pricey|expensive|a lot}",
        "i'm not gonna pay {that|that much|<amount>} {for coaching|for this|}",
        "i don't have {that|that kind of money|<amount>} {lying around|sitting around|to spare}",
        "{it's|that's} {a bit much|kind of a lot|too rich} for {me|my budget|my wallet}",
        "my {budget's|budget is|wallet is} {pretty |really |}{limited|tight|small|empty} {right now|}",
        "{hmm|wow|yikes|oof} {that|the price} {is|'s} {steep|high|a lot}",
    ],
    "time": [
        "{i'm|i am} {crazy|super|insanely|ridiculously} busy {right now|these days|at work|}",
        "my calendar's {a mess|a nightmare|insane|full}",
        "i don't have a {minute|second|spare minute|free hour} {to myself|these days|}",
        "i {can't|cannot} commit to {a schedule|fixed times|regular sessions|anything regular}",
        "i'm {like |}always on the road",
        "i {travel|fly} like every {week|other week}",
        "{it's|we're in} busy season {for me|at work|right now}",
        "i {can't|cannot} even find time to {eat lunch|go for a walk|sleep|call my mom}",
        "{when|how} {would|could} i {even |}{fit|squeeze} {that|this} in?",
    ],
    "think_it_over": [
        "{let me|i'll} get back to you {on that|on it|later|}",
        "i'll have a think {about it|and call you|}",
        "{i need|i'll need|i want} some time {to think|to think it through|with this|}",
        "{i'm|i am} not ready to decide {yet|today|right now|}",
        "{maybe|call me} in a few months",
        "{shoot|send} me {an email|something|the info} and {i'll take a look|i'll check it out|i'll let you know}",
        "{can i|let me} get back to you {next week|tomorrow|in a few days|}?",
        "{i'll|let me} {check it out|look it over} and let you know",
        "{i|i'd} {need|want} to think it through",
        "{not|nothing} today {maybe|perhaps} {next time|later|another day}",
    ],
    "skepticism": [
        "{does|will} {this|it|that} {actually|really} work?",
        "i'm not sure i buy {it|that|all that}",
        "i {don't|do not} {really |}believe in {that stuff|coaching|these programs}",
        "{yeah right|sure sure|i doubt it}",
        "{it|that} {seems|sounds|looks} like a {gimmick|scam|fad|sales trick}",
        "{i've|i have} {tried|done} stuff like this {and it never works|before|and quit}",
        "{it|that} never works {for me|out|long term}",
        "how do i know {you're|this is|it's} not {a scam|another gimmick|just hype}?",
        "i'm {not|not really} {sold|convinced} on {it|this|the idea|coaching}",
        "{honestly |}i don't think {anyone|a coach|this} {can|could} {help|fix} me",
    ],
    "has_alternative": [
        "{i've|i have} got a trainer already",
        "i go to the gym {like |}{four|five|six} times a week",
        "i {just |}do my own thing",
        "i use an app for {that|all that|workouts}",
        "i {already |}have {someone|somebody|a guy|a person} for that",
        "{my doctor's|my doctor has} got me on a {plan|program|diet} {already|}",
        "i {work out|train} at home {already|on my own|}",
        "i just {run|lift|swim|cycle} {on my own|myself|and that's it}",
        "{i'm|i am} {covered|all set} {on that front|there|with my trainer|with my gym}",
    ],
    "needs_approval": [
        "{gotta|i gotta|i have to} {check|talk} with {my wife|my husband|the wife|my partner|the boss} {first|}",
        "{i|i'd} need to run it by {my wife|my husband|my partner|my boss|the boss} {first|}",
        "{my wife|my husband|the wife} would {kill me|not be happy|want a say}",
        "i'd have to ask {the boss|my boss|my manager|hr}",
        "{the company|work|my employer} would have to pay {for it|}",
        "{i need to|let me} see what {my wife|my husband|my partner} {thinks|says}",
        "let me talk to {my partner|my wife|my husband|my family} {first|about it|}",
    ],
    "not_interested": [
        "{not really|it's not really} my thing",
        "{no thanks|nah} {i'm|i am} {all set|good|fine}",
        "not interested {man|sorry|thanks|really}",
        "{i|i really} {don't|do not} need {it|that|this}",
        "{i'm|i am} {fine|good|ok} {thanks|really|honestly}",
        "{please don't|don't} call {me |}{again|here again|anymore}",
        "{i'm|i am} not looking for anything {like that|right now|}",
        "{nope|no} {not for me|i'm good|not interested}",
    ],
}

_CASUAL_NEEDS: dict[str, list[str]] = {
    "weight_loss": [
        "i {gotta|have to|need to} lose {some|the} {weight|pounds|belly|gut}",
        "{i'm|i am} {kinda|kind of|a bit|getting} {chubby|heavy|fat|out of shape}",
        "{just|mostly} {wanna|want to} {drop|lose} {a few|some|twenty|thirty} pounds",
        "{i put on|i've put on|i gained} {a bunch of|a lot of|like thirty pounds of} weight",
    ],
    "muscle_gain": [
        "i {wanna|want to} get {strong|stronger|bigger|buff|jacked|toned}",
        "{i'd like|i want} {some|more} muscle",
        "{i'm|i am} {weak|skinny|soft} {and|so} {i wanna|i want to} {bulk up|build muscle|get strong}",
    ],
    "health": [
        "{my|the} {numbers|labs} {aren't great|are bad|are off}",
        "{my|the} {blood work|cholesterol} {isn't great|is bad|is off}",
        "{i|i just} {wanna|want to} be {healthy|healthier|around for my kids}",
        "{doctor|the doc} {says|said} {i gotta|i have to|i need to} {get healthier|fix my numbers|take care of myself}",
    ],
    "stress": [
        "{i'm|i am} {so|super|really} stressed {out|all the time|}",
        "i {can't|don't} sleep {anymore|at all|well}",
        "{i'm|i am} {burnt|burned} out",
        "{the|my} anxiety {is|has been} {bad|rough|terrible} {lately|}",
    ],
    "energy": [
        "{i'm|i am} {always|just|so} tired",
        "i {got|have} no energy",
        "{i'm|i am} {wiped|beat|dead|drained} {by|at} {like |}{three|four|noon}",
        "i {wanna|want to} {have|get} {more|my} energy {back|}",
        "i {can't|cannot} {focus|concentrate|think straight} {anymore|lately|}",
    ],
    "event_prep": [
        "{got|i've got|i have} a {wedding|marathon|trip|race|reunion} {coming up|soon|in a few months}",
        "i {wanna|want to} look good {for|at} {the wedding|my wedding|the reunion|the beach|my daughter's wedding}",
        "{there's|i have} a {race|wedding|trip|big event} in {june|the spring|a few months|<n:2-9> months}",
    ],
    "rehab": [
        "my {back|knee|shoulder|hip} {is|'s} {messed up|shot|bad|killing me}",
        "{i had|i just had|i'm recovering from} {surgery|an operation|knee surgery|back surgery}",
        "{i|i've} {hurt|injured|tweaked} my {back|knee|shoulder|ankle} {a while ago|last year|recently}",
        "i {wanna|want to} get back {to normal|in shape|to running} after {my injury|the surgery|the accident}",
    ],
}

for _label, _items in _CASUAL_OBJECTIONS.items():
    OBJECTIONS[_label].extend(_items)
for _label, _items in _CASUAL_NEEDS.items():
    NEEDS[_label].extend(_items)
OPENERS.append("{yeah no|i mean look|ok so like|honestly man|so yeah|well you know|ok well|um so}")

LEXICON["amount"].extend(
    [
        "{one|two|three|four|five|six|seven|eight|nine} {ninety|fifty|ninety nine|twenty nine} a month",
        "{a grand|fifteen hundred|twelve hundred|two grand} {a month|for three months|}",
        "<n:2-9> {ninety|fifty} {a month|}",
    ]
)
OBJECTIONS["price"].extend(
    [
        "what {am i|would i be} {getting|paying} for {exactly|with that money|at that price}?",
        "i {don't|do not} {see|get} the value {for that price|for that kind of money|honestly|}",
        "{is it|is that really} worth <amount>?",
        "for <amount> i'd {expect|want} {a lot more|someone at my door every morning|miracles}",
        "<amount> is more than {my car payment|i pay for my mortgage|my gym costs in a year}",
        "i'm not {spending|paying} <amount> on {a coach|coaching|a program|zoom calls}",
        "i'd {need|want} to see {the return|the roi|real value} on {that|that kind of money|<amount>}",
        "{i'd have to|let me} see if {it fits|i can fit it} in {the budget|my budget}",
        "{my kids'|the kids'} {tuition|school} comes first {money wise|}",
        "{that price|<amount>} {is|seems} {hard to justify|a lot to swallow|tough to swallow}",
        "{with|in} this economy {i can't|that's too much|no way}",
        "{hmm|well} <amount> {huh|is a lot|that's steep}",
        "{i|we} {can't|couldn't} {do|afford} <amount> {right now|every month|}",
    ]
)

BUYING.extend(
    [
        "{ok |alright |}how do i pay {for it|for this|}?",
        "{send|text} me the link and {i'll pay|i'll sign up|i'll do it} {today|tonight|now|}",
        "{what do i need|what do you need from me} to {get going|get started|sign up}?",
        "{yeah|yes|sure} {i'd like|i want} {that call|the consultation|the assessment} {with the coach|with the doctor|}",
        "{do you have|got} {a spot|room|space} {on monday|this week|tomorrow}?",
        "{ok|alright|fine} {let's|we can} {try it|give it a shot|give it a go}",
        "{i'm|i am} {down|game|up for it} {let's do it|when do we start|}",
        "{put me|sign me} {down|up} for {the assessment|the trial|monday}",
    ]
)

for _label, _items in {
    "has_alternative": [
        "i {get|have} a {nutritionist|dietitian|health coach} through {my insurance|work|my plan}",
        "i've been doing {orangetheory|f45|pilates|spin classes|hot yoga|bootcamp} {for a while|for years|three times a week}",
        "{my son|my daughter|my cousin|my neighbor} is a {personal trainer|coach|nutritionist} {and helps me|so i'm good|}",
        "i play {basketball|tennis|squash|hockey|soccer} {twice a week|every weekend|in a league}",
        "i'm {using|on} {an ai coach|a coaching app|a workout app|a diet app} {already|right now|}",
        "i'm {seeing|working with} a {sports medicine doctor|physical therapist|chiropractor|weight loss clinic} {already|for that|}",
        "i'm more of a {lone wolf|do it yourself kind of guy|diy person} {when it comes to fitness|}",
        "i like doing things {my own way|on my own|at my own pace}",
        "i'm {pretty |}self motivated {i don't need a coach|so i train alone|}",
        "i don't like {being told|people telling me} what to do {at the gym|with food|}",
    ],
    "not_interested": [
        "i {don't|do not} see the point {of this|honestly|}",
        "{this isn't|it's not} a good fit for me",
        "i'm not {the type|your target|your guy|the right customer} {for this|}",
        "i {don't|do not} do {this sort of thing|programs|coaching}",
        "{not my cup of tea|not my scene|not for me thanks}",
        "i'm {gonna|going to} pass on {this|that|it}",
        "i'm not in the market for {coaching|a coach|this}",
        "{i'm|i am} happy the way things are",
        "i don't need {anybody|anyone|a stranger} telling me {what to eat|how to live|what to do}",
        "{no thanks|ok} i've heard enough",
    ],
    "skepticism": [
        "{it|this} sounds like {snake oil|an infomercial|a pyramid scheme|every other ad}",
        "i've seen {those|these} ads {and they're all the same|before|a hundred times}",
        "{i've|i have} been disappointed {before|too many times|by these things}",
        "coaches are just {salespeople|selling something|in it for the money}",
        "how is this not just {an expensive gym membership|a fancy app|a glorified chat}?",
        "i don't know if i {trust|believe} {this|you|any of this}",
        "{i'm|i am} not sure {it'd|it would|this would} {work|stick} for {me|someone like me}",
        "{i'll|i would} probably {quit|give up|drop it} {like always|after a month|like i always do}",
    ],
    "think_it_over": [
        "i'll think on it",
        "{let me see|we'll see|i'll see} {how things go|what i can do|}",
        "{i'll|i will} let you know",
        "{talk to you|let's talk} {next week|in a couple weeks|soon}",
        "{i'll|i will} keep it in mind",
        "{i want to|i wanna|i'd like to} look at {my options|other options|what else is out there}",
        "let me wrap my head around it",
        "{just |}email me the details and i'll take it from there",
        "i'll {have to|need to} see",
    ],
    "price": [
        "i {thought|figured} it'd be cheaper",
        "{that's|it's} above what i can do",
        "i can only do {like |}{two|three|one} hundred {a month|tops|}",
        "my max is {like |}{two|three|four} hundred a month",
        "is there {something|a plan} more basic?",
        "{money's|money is|the cost is|price is} the {issue|problem|thing}",
        "it comes down to {money|the cost|price}",
        "i'd have to cut {something else|other things|back somewhere} to pay for {it|that|this}",
        "my wallet says no",
        "{that's|it's} a lot of money for a coach",
    ],
}.items():
    OBJECTIONS[_label].extend(_items)

for _label, _items in {
    "think_it_over": [
        "can i {get back to you|think about it and call you back|let you know next week}?",
        "{can|could} you send me something to {read|look at|review} {first|}?",
        "is it ok if i think about it {first|for a few days|}?",
        "{can|could} we {talk|pick this up} {next week|next month|after the holidays|another time}?",
        "do you have a {website|brochure|pdf} i can {check|look at|read} {first|}?",
        "{can|could} you call me back {next month|in a couple of weeks|after the summer}?",
        "i'm {just |}not ready to commit {right now|yet|today}",
        "i'll decide {next week|after the holidays|in a few days|later}",
        "{i'm|i am} {gonna|going to} {hold off|wait} {for now|a little|till january}",
        "{let's|we can} revisit {this|it} {in the new year|next quarter|in a few months}",
        "not this {month|week|quarter} {maybe next|}",
        "{i'd|i would} like to sleep on it",
    ],
    "price": [
        "why so expensive?",
        "can you do better on the price?",
        "any discounts?",
        "do you have anything for less?",
        "{that's|it's} {double|twice|three times} what i {expected|was thinking|had in mind}",
        "i was thinking more like <n:1-3> hundred {a month|tops|}",
    ],
    "has_alternative": [
        "i already do that with my {trainer|coach|nutritionist|physio}",
        "{i'm|i am} already working on that with {someone|a coach|my doctor|a trainer}",
        "{i've|i have} got my own routine",
        "my gym has {trainers|coaches|classes} {already|for that|}",
        "my {physio|doctor|nutritionist} handles {that|all that|that side}",
        "my {wife|husband|partner} already {cooks healthy|plans our meals|keeps me on track}",
    ],
    "not_interested": [
        "i'm not interested in coaching",
        "{i'm|i am} hanging up {now|}",
        "not now not ever",
        "i have no interest {in this|in that|whatsoever|}",
        "i don't want to be sold {anything|to|anything today}",
        "{stop|please stop} {calling|bothering me}",
    ],
    "skepticism": [
        "how do i know {it works|this works|it'll work for me}?",
        "do you have {any |}proof?",
        "does that really work for {people my age|someone like me|busy people}?",
        "{i'm|i am} {a bit |}skeptical {about|of} {online coaching|all this|these programs}",
    ],
}.items():
    OBJECTIONS[_label].extend(_items)

INBOUND: list[str] = [
    "{hi|hello|hey} {i'm calling about|i saw} {your ad|the coaching program|your website|the executive program}",
    "{hi|hello} {yes|yeah} i filled out {a|the} form on your {website|site} {and wanted to talk|}",
    "{hi|hey} {a friend|my colleague} {gave me your number|recommended you guys}",
    "{hello|hi} {is this altura|is this the coaching company|i'm calling for some information}",
]

# words of one label in another label's mouth (so "trainer" or "week" alone is no label)
OBJECTIONS["skepticism"].extend(
    [
        "i've had {trainers|coaches|personal trainers} before and {it never worked|i always quit|nothing changed}",
        "{i paid for|i had} a {gym membership|trainer|nutritionist} {for years|last year} and {never went|it didn't help|got nothing out of it}",
    ]
)
OBJECTIONS["time"].extend(
    [
        "i never make it to the gym {because of work|with my schedule|anymore}",
        "{i pay for|i have} a gym membership but {i never have time to go|there's no time to use it}",
    ]
)
QUESTIONS.extend(
    [
        "do i get my own {trainer|coach}?",
        "{would|does} the coach {come to my gym|work with my trainer|see me in person}?",
        "{what|which} days {would|are} the sessions {on|}?",
        "{is it|are the calls} {in the morning|in the evening|on weekends}?",
    ]
)
POSITIVE.extend(
    [
        "i need {someone|a coach} to {keep me accountable|push me|check on me}",
        "{mornings|early mornings|tuesdays and thursdays} {work|would work} {best|well} for me",
    ]
)

# Issue 13 (held-out error kinds): concerns named only to set them aside, neutral questions
# about price, schedule and length (with durations that are no event), two objections in
# one sentence, curt refusals and slang, doubt about one's age or genes, the method, or an
# automated agent. Worded apart from the regression corpora in tests/unit/analysis.
NEGATED["price"].extend(
    [
        "{paying for it|the money side|the cost side} {isn't|is not} {what worries me|an obstacle|a big deal}",
        "{the fee|the monthly fee|that rate} {is|seems} {totally |}{fair|reasonable|fine} {honestly|to be fair|}",
        "{we've|i've} {got|set aside} {the budget|money} for {this|something like this}",
        "{i'm|i am} not {fussed|bothered} about {the fee|paying for it}",
    ]
)
NEGATED["time"].extend(
    [
        "{my schedule|finding the hours} {isn't|is not} {what worries me|an obstacle}",
        "{i'm|i am} {semi retired|working part time|on sabbatical} so {there's plenty of time|time is not a problem}",
        "{i'll|i will} {find|carve out} the time {don't worry|for sure|}",
    ]
)
QUESTIONS.extend(
    [
        "how much {is it|does it cost} for {three|six|twelve|nine} months?",
        "{is there|what's} a price for the {six|twelve} month {option|commitment}?",
        "{how many minutes|how long} {is a call|are the check ins|is one session}?",
        "{what days|which evenings|what hours} {are available|can i book|do you offer}?",
        "{roughly |}how much time {per day|a week|each week} {does it need|are we talking}?",
        "{over how many months|for how long} does the program run?",
    ]
)
COMBOS.extend(
    [
        (
            ("price", "skepticism"),
            (),
            False,
            "{that's|it's} {a lot of|too much} {money|cash} for {something|a program} {i'm not sure will work|that might not even work|i doubt will help}",
        ),
        (
            ("price", "skepticism"),
            (),
            False,
            "{it's|that's} {pricey|expensive|steep} and {honestly |}{i'm not convinced it works|i doubt it'd change anything|i've been let down before}",
        ),
        (
            ("time", "has_alternative"),
            (),
            False,
            "{i'm|i am} {swamped|slammed|buried} at work and {i already have|i've already got} {a trainer|a gym routine|a running group|an app i like}",
        ),
        (
            ("time", "has_alternative"),
            (),
            False,
            "{there's no time in my week|my calendar is full} and {i already do|i'm already doing} {pilates|spin classes|orangetheory} {twice a week|on weekends}",
        ),
    ]
)
OBJECTIONS["not_interested"].extend(
    [
        "{nah|nope} {i'm all set|i'll pass|we're good}",
        "{hard no|big no|no sir}",
        "{include|count} me out {thanks|please|}",
        "{that's|this is} not happening {sorry|man|}",
        "{no way|not a chance} {sorry|thanks|}",
        "{not interested|no thanks} {goodbye|take care|have a good one}",
    ]
)
OBJECTIONS["skepticism"].extend(
    [
        "{i'm|i am} {probably|honestly} too old to {start this|change now|get in shape}",
        "{at <n:55-75>|at my age} {i don't think|i doubt} {my body|my metabolism} {will change|can change much|will respond}",
        "{it's all|it's} {genetics|in my genes} {my dad was the same|my mother was the same|nothing fixes that}",
        "{hold on |}{is this|are you} {an ai|a bot|an automated call|a recording}?",
        "i {don't|do not} want {coaching|advice} from {an ai|a bot|a computer|an algorithm}",
        "i {don't|do not} {believe in|buy} this {accountability|habit|coaching} {method|approach|model}",
        "{i doubt|i don't think} {weekly calls|zoom sessions|an app} {can|will} {change how i eat|fix my habits|make me consistent}",
    ]
)
# A length of time is no event to prepare for: prices asked per period, and sleep or stress
# that has lasted for months (issue 13's event_prep false positives on "months").
QUESTIONS.extend(
    [
        "{how much|what's the price|what does it cost|what would i pay} for {three|six|twelve|<n:2-12>} months?",
        "{is there|do you have|do you offer} a {three|six|twelve} month {plan|package|option|discount}?",
        "{and |}{what|how much} {is it|would it be} {per month|for the year|for <n:2-12> months} {in total|all in|}?",
    ]
)
NEEDS["stress"].extend(
    [
        "i {haven't|have not} {had|gotten} a {decent|good|full|proper} night's sleep in {months|weeks|ages|<n:2-9> months}",
        "{it's been|it has been} {months|<n:2-9> months|a year} since i {slept well|felt rested|had a calm week}",
    ]
)
