"""Write kinds_train7.tsv, the fifth writer's training sentences for the word model.

    .venv/bin/python tests/safety/corpus/make_kinds_train7.py

Every sentence below was written by hand for this file, by a writer who read only the header and a
handful of lines of kinds_train6.tsv (for the format) and counts of words over the older training
files (to find voices and situations they have little of). Each hand-written sentence is used a few
times: a choice written in brackets ("[husband|partner]") takes its next option each time, and a
small fixed set of openings, endings and texting styles (the same set for risk sentences and false
friends, so they carry no signal) gives each use a different voice. The output is deterministic.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

OUT = Path(__file__).with_name("kinds_train7.tsv")
RISK_USES = 4
FRIEND_USES = 5

# (min_severity, sentence)
BEING_HARMED = """
[He|My husband|My fella|My partner] checks the mileage on the car every night and wants to know where every mile went.
I keep my shoes by the door and a bag packed in case I have to leave quickly in the night.
[He|She|My partner] goes through my phone while I sleep and I wake up to questions about every message.
When I hear [his|her|the] key in the lock my whole body goes stiff.
I told the nurse I fell down the stairs again. I didn't fall.
[My husband|He|My boyfriend] says if I ever go to the police nobody will believe a woman like me.
I have to ask permission to spend my own [pension|wages|benefit money].
My [son|grandson|nephew] takes my pension card and I'm frightened to say no to him.
My [daughter-in-law|daughter|niece] locks me in my room when she goes out and calls it keeping me safe.
I wear long sleeves all summer so [the girls at work|my mum|the other mums] don't ask.
He broke my phone so I couldn't call my sister, then said I made him do it.
I'm not allowed to see my friends unless he comes too, and then he sulks for days.
She screams at me until I apologise for things I didn't do, and last week she threw the [kettle|iron|remote] at me.
As a man nobody takes it seriously, but my [wife|girlfriend|partner] hits me when she's been drinking.
My [boyfriend|ex|husband] said he'd send the video to my [dad|boss|church] if I leave him.
He sleeps with the car keys under his pillow so I can't go anywhere.
I walk on eggshells all day and plan every word so he doesn't go off.
He puts his hands round my neck when we argue, just for a second, to show me he can.
My [uncle|cousin|employer] keeps my passport and says I owe him for bringing me here.
I work in his [cousin's|brother's|uncle's] shop for no pay and I can't leave because they have my documents.
He pushed me down in front of the kids and then cried and said sorry, like always.
I've got bruises on my arms where he held me down, I've told everyone it's from [the gym|netball|moving house].
My partner controls my insulin and only gives it to me when I've done what he wants.
My husband forces himself on me when he's drunk and says it's his right as my husband.
I said no and he did it anyway. I keep thinking it was my fault for being there.
My ex turns up outside my [work|flat|mum's house] most days and sits in his car watching the door.
He texts me [forty|fifty|thirty] times a day and if I don't answer in five minutes he rings my mum.
He tracks my location and knew I'd stopped at the chemist before I even got home.
The landlord lets himself in at night and says he'll evict me if I complain.
My brother beats me if I talk to boys, and my parents say it's to protect the family name.
They're planning to take me abroad [in the summer|after my exams|at Eid] to marry a man I've never met.
I'm afraid of what my family will do to me if they find out I'm gay.
My carer shouts at me and leaves me in my chair all day if I complain.
My wife takes my wages and gives me twenty pounds a week for petrol.
He calls me fat, stupid and useless every single day, and I've started to believe him.
I'm pregnant and he kicked me in the stomach last night.
He took my tablets and said I'd only get them back if I behaved.
Every time I try to leave he threatens to take the kids and tell social services I'm mad.
At night I sleep in the kids' room with a chair against the door.
My girlfriend bit me and then laughed and said nobody would believe a big lad like me.
The older lads at the hostel take my money and say they'll cut me if I tell staff.
He strangled me till I passed out. I'm still with him. I don't know why I'm telling you this.
He keeps saying accidents happen in houses like ours, and then he looks at the stairs.
I've hidden some cash in a tampon box because he counts everything in my purse.
He smashed the telly, punched the wall an inch from my head, then made dinner like nothing happened.
I'm frightened to go to sleep in case he starts again.
He waits until I've had my tablets and then starts on me because he knows I can't think straight.
My husband won't let me learn English or go to college, he says I don't need it.
Since I lost my job she controls all the money and I have to show her the receipt for a coffee.
A man I met online has my photos and says he'll post them unless I send more.
My manager corners me in the stockroom and I'm scared to go in there on my own.
He throws my food in the bin if I don't eat it fast enough.
My grown-up son shoves me when I won't give him money for drink, and I'm [78|81|74].
The neighbours heard the shouting and called the police but I told them it was the telly.
He pinned me to the bed and wouldn't let me get up for an hour.
He locked me out in the snow in my nightie for answering back.
I daren't go home tonight, he's been texting me what he'll do when I walk in.
He says he'll burn the house down with me in it if I ever leave.
My [husband|partner] hurts me in places nobody sees.
I flinch when anyone lifts a hand now, even my own kids.
He made me sleep in the car last night because I forgot his cigarettes.
My boyfriend chokes me during sex even though I've told him I hate it.
He took the battery out of my phone and hid my shoes so I couldn't go out.
If dinner isn't on the table at six things get thrown. Last time it was me.
My in-laws don't let me eat until everyone else has finished and my husband joins in when they shout at me.
My dad still slaps me when he's angry, and I'm [24|19|30] and still living at home.
The pastor told me to go back and pray harder for my husband, but he still beats me.
I had to go to A&E with my wrist. I told them I slipped. He was standing right there.
He keeps a knife by the bed and tells me it's for me if I ever cheat.
I'm a nurse, I know exactly what this is, and I still can't make myself leave him.
He threatens to report me to immigration if I don't do what he says.
My partner won't let me take my inhaler out so I have to stay near him.
Whenever I get a message from a man, even my brother, I get a slap.
He's out of prison next month and he's already sent word he knows where I live.
I tell myself it's not that bad, he only grabs me when he's stressed.
my bf says im lucky he puts up with me and pulls my hair when im mouthy
She smashed a plate over my head last week and I told the lads at work I walked into a door.
He's started sleeping with a hammer beside the bed and says I'd better not try anything.
I sit in the car in the supermarket car park for an hour before going home because I'm scared.
My husband's family took my gold and my papers and I'm not allowed out without his mother.
I'm not allowed to close the bathroom door, he needs to see what I'm doing.
"""

CHILD_SAFEGUARDING = """
My [sister's|neighbour's|friend's] little boy is always in the same dirty clothes and asks us for food.
My daughter came home from her dad's with a mark on her cheek and said she's not allowed to tell.
My stepson flinches every time his father walks past him.
The football coach gives my son lifts and presents and tells him it's their secret.
My [12-year-old|13-year-old|11-year-old] has a new friend online who is 19 and wants to meet her.
My ex leaves the kids on their own all weekend while he's at the pub.
My [partner|husband|boyfriend] shakes the baby when she won't stop crying.
My son's stepmum locks him in his room with no dinner as a punishment.
My [14-year-old|15-year-old] is staying out all night and comes back with new phones and money from older men.
My daughter told me her uncle comes into her room when she stays over.
The kids next door are out in the street in their nappies at ten at night.
My mum is drunk every time I drop the children with her and I've got nobody else.
He makes my son stand in the corner for hours and hits him with a belt if he moves.
My little girl has started wetting the bed again and screams when it's time to go to her dad's.
There's no heating and the baby's had the same nappy on since yesterday.
My boyfriend says my daughter needs toughening up and throws her against the wall.
My [15-year-old|16-year-old] keeps being sent to stay with a man in the next town, I think he's using her to sell drugs.
My [nephew|niece] has little round burns on his arms and my sister says he did it climbing.
I'm too low to get out of bed and my kids have been getting themselves to school on crisps for a week.
My teenage son is being groomed by older lads who give him weed and make him carry packages.
When my husband drinks he drags our eldest out of bed and screams in his face.
My sister's partner watches porn with her kids in the room.
My daughter's boyfriend is [26|23|30] and she's 14, and she thinks it's love.
The baby hasn't been weighed or seen anyone since she was born, my partner won't let me take her.
My son has bruises on his back in the shape of fingers after a weekend at his dad's.
The children have seen him hit me more times than I can count.
My kids are scared of their grandad but my mum still leaves them alone with him.
My daughter keeps saying her tummy hurts after her lessons with that [swimming|piano|tuition] teacher.
I found messages on my son's tablet from a grown man asking him to send pictures.
My partner gives the toddler [vodka|cough medicine|whisky] to make him sleep.
My 9-year-old is looking after her baby brother all night while their mum works, and she can't cope.
My ex's new girlfriend pinches my daughter and tells her nobody wants her.
My son comes back from [madrassa|Sunday school|after-school club] with red hands and says the teacher hits them with a stick.
His dad holds him under a cold shower when he wets himself.
The children go to bed hungry most nights because all the money goes on his habit.
My girl came home with torn knickers and won't talk about it.
My sister-in-law's kids are kept home from school and never let out of the flat.
My husband calls our daughter a slut and says no man will ever want her, and she's eleven.
He drives with the kids in the car when he's off his face.
My little one has a broken arm and the childminder's story doesn't add up.
I left my kids on their own last night to go out because I couldn't stand being in the house.
There are needles on the floor where the kids play at my brother's place.
My daughter's stepdad takes pictures of her in the bath, she's 13.
My son said a man at the park showed him things on his phone and asked him not to tell me.
Her dad leaves the baby in the car for hours while he's in the bookies.
My son gets beaten up on the way home by older boys every week and nobody is stopping it.
They're planning to have my niece cut when they go back home for the holidays.
My [16-year-old|15-year-old] is being made to marry her cousin next year.
The baby screams whenever my partner picks her up and I don't know why.
I read my daughter's diary and she writes that Uncle [Ray|Tony|Dev] makes her do things.
My boy came back from contact with a black eye and says he walked into a door.
My kids haven't seen a doctor in two years because their dad says doctors interfere.
Our foster lad comes home with cash he won't explain, and he's twelve.
My partner is rough with the kids when he's tired, yanking them by the arm and shoving them.
The house is full of rubbish and the kids sleep on a mattress on the floor with the dogs.
My wife screams at our son till he shakes, and last week she slapped him hard across the face.
Her new man doesn't like my grandson and the little lad has bruises every time I see him.
I think the baby next door is being left, I hear her crying for hours and nobody comes.
My child says a dinner lady touched her in the toilets.
My daughter's dad sends her pictures of himself with no clothes on and says it's normal.
I'm scared my son's father will hurt him when he has him this weekend.
Older kids pushed my autistic son into the canal and filmed it, and his dad says it'll toughen him up.
My eldest is feeding the little ones because I haven't been able to get up.
When I'm high I forget to pick the little ones up and they walk home in the dark.
my step dad hits me and my little brother when mum's at work
im 14 and my mums boyfriend keeps coming in the bathroom when im in the shower
The baby's got a burn on her foot and my partner says she touched the oven, but she can't even crawl yet.
There's a man living at my sister's who's on the sex offenders register, and her girls are 8 and 10.
My son told me his older cousin makes him do stuff and says he'll hurt the dog if he tells.
Her mum locks her out of the house when she's got men round, and she's only seven.
My daughter has lost a lot of weight and goes quiet whenever her stepdad speaks.
The twins are left in their cots all day while he plays games in the next room.
My niece's dad punishes her by not letting her eat for a whole day.
My son sleeps in his clothes because there are no clean sheets and nobody washes anything.
Our youth leader messages the girls late at night and tells them not to tell their parents.
My kids watched him put me through the glass door and now my boy won't speak.
My ex makes my daughter sleep in his bed when she stays over, and she's ten.
I worry my mother-in-law gives the baby something to keep her quiet, she's so floppy after.
My [13-year-old|12-year-old] is sending photos to a man who says he's a model scout.
The baby has a lot of bruises for a baby who can't walk, and my partner gets angry when I ask.
The baby is too much for [her|my sister|my daughter], she leaves him in the cot all day and doesn't pick him up when he cries.
"""

HARM_TO_OTHERS = """
If my neighbour plays his music once more I'm going round there with the bat, and I mean it.
I keep picturing myself putting a pillow over the baby's face and I can't make the picture stop.
I've started following [him|her|my ex] home after work to see where they live now.
I know where she parks. I know what time she leaves. That's all I'll say.
When the baby cries I feel a rage I've never felt and I've had to put her down and walk out.
My brother-in-law has it coming, and I'm the one who's going to give it to him.
I sharpen my knife and think about my ex's new [man|boyfriend|fella].
I don't feel safe being alone with my son right now, I scare myself.
Sometimes I think the kids would be better off in heaven with me.
I've been reading about how much of his heart medicine it would take.
The thoughts of hurting my newborn come when I'm changing her, and I'm terrified I'll act on them.
I told my boss I'd make him regret it, and I've been thinking about how.
I got in a fight last weekend and kept kicking him after he was down, I couldn't stop.
If they take my kids I'll make sure that social worker pays for it.
I could easily drive into that group of lads who stand outside the shop.
I've bought a machete and I'm not saying what for.
My mum has dementia and I pushed her so hard she fell. I'm scared I'll do worse.
I've been squeezing the baby's arm too hard when he won't settle.
I want my ex to feel the pain I feel, and I know how to make that happen.
I daydream about running my stepdad over with the car.
I lose it with the kids and hit them harder than I mean to.
I'd like to put my fist through his face and keep going.
I've written down his address and his routine.
I keep thinking about letting go of the pram at the top of the hill.
He'll wish he never touched my sister, me and my cousins are sorting it out.
I put something in her drink once to teach her a lesson and I'm thinking of doing it again.
Caring for my dad, I sometimes think it'd be easier to give him all his morphine at once.
The voices say my neighbour is poisoning me and I should get him first.
I've got a gun in the shed and now I know which house he lives in.
I shook her. Only once. But I can't stop thinking I'll do it again.
If she keeps the kids from me I'll torch her car with her in it.
I have dreams about stabbing my [boss|supervisor|landlord] and I wake up feeling calm.
I've been hanging around outside the school where that teacher works.
Some days I want to smash the baby monitor and the baby with it.
I want to hurt the people at work who laughed at me, properly hurt them.
I gave the dog a kicking I'm not proud of and I'm worried it'll be the kids next.
I slapped my wife last night. First time. I don't think it'll be the last.
I've told my ex that if I can't have her then nobody will.
I put my hands on my daughter's throat when she screamed at me and only stopped when she went red.
I keep a crowbar in the van for when I run into him.
Being near the sharp knives in the kitchen when the kids are around makes me feel sick in case I use them.
My temper's getting worse and last week I threw a chair at my son.
If that man at the [mosque|church|club] says one more word about my family, I'll finish him.
I keep imagining the baby falling from the balcony and part of me wants to let go.
I'm planning how to get back at the lads who jumped me, and it won't be a fair fight.
I swear I'll do time for him one day.
I've had thoughts of drowning my son in the bath and I've stopped bathing him myself.
I want to set fire to my ex's flat while she's asleep.
I get so angry with my patients that I think about giving them the wrong dose.
I've been practising what I'd say to the judge after I've done it.
I think I could hurt someone tonight if anyone pushes me.
I've started carrying a blade and I'm itching to use it.
I don't trust my hands around my baby when she won't feed.
My wife tells me to go for a walk when I get like this because I frighten her and the kids.
If the council sends one more letter I'm going down there, and they'd better have security.
I want to hurt him like he hurt me, slowly.
I'm going to make sure my sister's husband never walks again.
When my dad's asleep I think about holding the pillow over his face.
I scream in the baby's face and shake the cot, then I cry.
The kids who bully my son, I've thought about waiting for them after school.
I keep thinking I should take the kids with me when I go.
Part of me wants to ram his car on the motorway.
I've found out where the man who attacked me lives and I drive past every night.
I punch the walls now so I don't punch her.
I've had daydreams about shooting up the office, I know it's wrong.
I grip the baby too tight when he cries at night and he's got little marks.
One more word from him and I'll put him in hospital.
I want the whole family to suffer for what they did to my dad.
I'm scared I'll snap and hurt my girlfriend, I've come close twice.
i swear down im gonna batter him when i see him
I've looked up how long you get for manslaughter.
When the little one bites me I bite back harder and then I feel sick.
There's a voice telling me to hurt my mum and it's getting louder.
I've got rat poison under the sink and I keep looking at his tea.
I keep telling myself I'll only scare him with the knife.
My mind keeps showing me throwing the baby against the wall.
If the kids wake me up one more time I don't know what I'll do to them.
I took his address off the court papers and I'm going round there.
Having a rifle for the farm and this much anger at my brother isn't a good mix.
I've been thinking of ways to make her accident look like an accident.
The baby is just too much. I've started thinking about how to make the crying stop for good.
[She's|He's|The baby's] too much, and when I'm alone with [her|him|the baby] I don't like what goes through my head.
"""

SELF_NEGLECT = """
I've stopped taking my heart pills. If it goes, it goes.
Haven't had a proper meal since Tuesday, I can't see the point cooking for one.
I've not been to dialysis since the funeral.
I let my insulin run out on purpose and I haven't ordered more.
The fridge is empty and I just drink tea and smoke.
I don't wash anymore, I don't change my clothes, I can't see why I would.
I've got a lump the doctor wants to look at and I'm not going. Let it do what it does.
I'm [83|79|88] and I've told them to stop the meals on wheels. I'm ready.
I've stopped eating so there's less of me to be a problem.
I cancelled my chemo, I've had enough.
Not bothering with my inhalers any more, what's the use.
I've given my dog to my neighbour and sorted out who gets the house.
I've written letters for the kids and put them with the will in the drawer.
I've been sleeping in the car in the cold and not eating, I don't care anymore.
My leg ulcer's gone green and I haven't called anyone about it.
I've not taken my anti-rejection meds for two weeks.
I only eat every other day now, it feels like control.
I've been drinking instead of eating for a month, a bottle a day.
I've let the blood pressure tablets go. Less to bother with.
The heating's been off all winter and I sit in a blanket, I don't see the point paying for it.
I've paid off the last of my debts and made sure the cat has somewhere to go.
I sorted out my pension forms so my [wife|husband|daughter] gets everything, just in case.
I've stopped my thyroid tablets because I want my body to wind down.
I keep throwing away the food the carer brings.
I've stopped drinking water as well as eating, just to see.
My feet are cut and black and I won't let the nurse look.
Since my wife died I haven't cooked, I have a biscuit at night and that's it.
I've been skipping my epilepsy meds and driving anyway.
I've missed my clinic four times and I'm not going to rebook.
I'm not taking the lithium anymore, I want whatever happens to happen.
I've given away my books, my records and my good coat.
I've told the hospital I don't want the operation. I'd rather it was over.
Lost [three|two|four] stone in two months, not trying to, I just don't eat.
I've not been out of bed except for the toilet in six days.
I let the wound get infected on purpose.
I've been fasting way past what Ramadan asks, I keep fainting, and I don't want to stop.
I've quit my HIV meds. Nobody needs to know.
Sold everything I own, the flat's bare, and I've left a note for the landlord.
I've stopped going to the food bank, I'd rather go without.
I don't get up to eat when I'm like this, days can go by.
I've stopped the warfarin and I know what that means.
My nan says she's stopped all her tablets because she's had a good innings.
I've put the house in my son's name and shown him where the important papers are.
I've been living off energy drinks and nothing else.
I haven't showered in three weeks, the flat smells and I can't face any of it.
I refuse to eat in the hospital. They can't make me.
I'm not going to renew my prescription. I'm done with it all.
I made my funeral arrangements last week and paid in full.
I've been handing out my savings to my nieces and nephews.
I can't remember when I last ate something hot.
I've stopped my antidepressants and my diabetes tablets at the same time, on purpose.
The doctor said my kidneys need the tablets but I've binned them.
I'm not going to the eye clinic or the foot clinic or anything else any more.
I don't drink enough and I know it and I don't care.
I've chosen the hymns and told the [vicar|priest|minister].
I've been eating once a day to punish myself.
I've cancelled the carers because I don't want anyone to see the state of me.
I've been walking round with a broken wrist for two weeks and I'm not getting it seen.
Food makes me feel guilty so I've mostly stopped.
Gave my grandson my watch and my medals yesterday.
I've stopped my clozapine and I'm not telling the team.
I leave the oxygen off at night now. Whatever happens.
I've put my passwords in an envelope for my daughter, you know, for after.
I'm not going to use the inhaler even if it gets bad.
There's nothing in the cupboards and I can't be bothered going to the shop.
I've stopped my seizure medicine and I still go swimming on my own.
I don't take the painkillers or the antibiotics now, I just lie here.
I've been drinking from the tap and eating bread, that's it, for weeks.
I keep forgetting to eat and honestly I don't want to remember.
I haven't taken my Parkinson's tablets since I moved in here.
idc about eating anymore, last proper food was sunday
I've got my affairs tidied up, the bills paid ahead, the keys labelled.
I've stopped going to my pregnancy appointments and I'm hardly eating.
The carer says I'm skin and bone and I tell her to leave me be.
I haven't been taking the kidney medication for a while, I'd rather not be a burden.
I don't change the dressing on my leg now, it smells, I don't care.
I made sure my wife knows where the insurance papers are, in case something happens to me soon.
I stopped my antipsychotic and haven't slept or eaten in four days.
No food today, no food yesterday, I'll see about tomorrow.
I've cancelled my transplant assessment because I don't want a new kidney.
"""

SUICIDE_SELF_HARM = """
I've been looking at the [viaduct|multi-storey|bridge] on my walk home and working out the drop.
I just want to go to sleep for a very long time.
I've been saving my sleeping tablets in a sock in the drawer.
Everyone would manage fine. Probably better.
I wrote a note. I haven't decided when.
Sometimes I lean out over the edge of the platform when the train comes in.
I'm scratching my arms with a compass under the table at school.
I wish the cancer would hurry up.
I've been thinking about walking into the sea.
I'm going to see my mum soon, one way or another.
I've been burning myself with a lighter when things get too loud in my head.
I'm tired, and not the kind of tired sleep fixes.
I told my brother to look after my kids if anything happens to me.
I've been driving really fast on the country roads, hoping.
I bang my head on the wall until I can't think.
The rope's been in the garage since last spring. I look at it.
I'd like to not exist for a while, or for good.
I don't think I'll be around for Christmas.
It would be easier if I didn't wake up tomorrow.
I keep going to the cliff path at night.
I scratch until I bleed, it's the only thing that helps.
I want to join my [wife|husband|son]. I miss them too much.
God forgive me, but I have asked him many times to take me.
Everyone would have a better life if I stepped out of it.
I've been wondering what the tablets would do with the whisky.
I've picked a date.
I won't be a problem for much longer, don't worry.
I punched the wall until my knuckles split, and I wanted them to.
I've made peace with it. I know what I'm going to do.
I stood on the bridge for an hour last night.
I look at the pills I've got stacked up and think it's enough.
I keep searching for painless ways.
I starve myself when I've been bad, and I cut if that doesn't work.
When I'm gone there'll be more room for everyone.
I lie in the road at night and wait for a car.
I've worked out the farm insurance would pay more than I'm worth alive.
I'm done. I've said my goodbyes in my head.
I've stopped making plans for after next month.
I'm so tired of fighting this. I want it to stop for good.
Thinking about just not coming back from my walk.
I took a lot of pills on Saturday and didn't tell anyone, I slept it off.
I don't see a future with me in it.
I want to disappear and not be found.
Every night I ask God not to let me wake up.
My mates would be better off without me dragging them down, and I'm thinking of making that happen.
I've cleaned the gun and I keep picking it up.
I'm just counting down now.
i cant do this anymore, im gonna end it tonight
I've been pulling my hair out in clumps and biting my arms.
If I crashed the lorry it'd look like an accident.
There's a reason I bought paracetamol in three different shops.
I'm only here because of my dog, and he's getting old.
I left letters for everyone with the will.
I've been dragging a razor across my thighs where nobody looks.
I went to the bridge again and got as far as climbing the railing.
I'm not scared of dying anymore, I'm scared of carrying on.
I tied something round my neck last night just to see how it felt.
I keep picturing my funeral and who'd come.
If I was gone nobody would have to deal with me.
I've been drinking till I black out, hoping I won't wake up.
I've run the hose from the exhaust into the car in my head so many times.
I dig the tweezers into my skin and then I feel calm.
I just want everything to go quiet, permanently.
I told my sister where my bank cards are and said she'd understand later.
I looked up how tall the car park is.
Can't see myself getting old. Don't want to.
The only peace I get is imagining it all being over.
I'm a waste of oxygen and I should free it up.
Been thinking of swimming out as far as I can go.
I want to sleep and not wake up, simple as.
I've got the tablets lined up on the bedside table now.
I'm practically begging the universe to take me.
My heart's not in living anymore.
I keep imagining stepping in front of the bus on my way to work.
I cut again last night, deeper this time.
I've been saying goodbye to people without them knowing.
I'd be doing everyone a favour.
I'm a burden on my [daughter|son|family] and they'd be lighter without me.
I went quiet on the group chat because I'm getting ready to go.
"""

UNABLE_TO_KEEP_SAFE = """
I don't think I'll make it through tonight without doing something.
Can someone take the pills out of my house, I don't trust myself with them.
I'm not okay to be on my own this weekend.
I'm scared of what I'll do if I'm left alone tonight.
The urges are stronger than me right now.
I can't promise I'll still be here on Monday.
Please don't leave me on my own, I'm not safe.
I gave my [husband|wife|brother] the car keys because I can't trust myself driving.
I locked the knives in the shed and gave my sister the key, but I know where the spare is.
I need someone with me tonight. I can't hold it together.
I'm losing the fight against the thoughts.
I'm afraid I'm going to act on it this time.
The safety plan isn't working, I've tried everything on it.
I'm at the bridge and I don't know what to do.
I'm not sure I can stop myself much longer.
Right now I'm holding the blade and texting you instead.
Can I go into hospital? I don't feel safe at home.
My head is telling me to do it and I'm running out of reasons not to.
I need to be somewhere I can't hurt myself.
Tonight feels different, more dangerous.
The crisis team didn't call back and I'm sitting here with the tablets.
I'm frightened of myself.
I asked my mum to hide my meds but she's away and I've got all of them.
I don't trust myself near the railway line today.
If nobody answers I don't know what I'll do.
I'm on the edge, and not just in my head.
I'm about to do something stupid.
Every time I'm alone I end up looking at the rope.
Please ring me, I'm not safe right now.
I can't keep myself away from the cupboard where the pills are.
I'm drunk and angry and I've got the car keys. I shouldn't be on my own.
I can't be trusted with myself today.
Nothing is holding me back anymore.
I'm scared I'll go through with it before my appointment.
I've had to sleep at my mate's because I don't trust myself at home.
It's 3am, I'm shaking and I can't stop the urge.
My partner's on nights and I'm not sure I'll be okay till he's back.
I'm struggling to stay safe this week.
I can't see me getting to the weekend.
The voices are telling me to jump and it's getting hard to say no.
I've told my flatmate to take my belt and my laces.
I feel like I'm going to do it and I can't stop it.
Can you get someone to check on me tonight?
My plan is ready and it's getting hard not to use it.
Waiting two weeks for an appointment isn't going to work, I won't last.
I'm in the car outside the chemist and I'm not okay.
I don't think I'm safe to look after myself right now.
I've taken some already and I'm thinking about the rest.
i need help now, im not safe
I'm scared I'm going to hurt myself badly tonight.
The urge to cut is so strong I'm sitting on my hands.
I've been on close watch before and I think I need it again.
I can't guarantee I'll be okay once my wife goes to work.
Please take the gun away, I keep going to the cabinet.
I'm not coping and I'm frightened I'll act before anyone can help.
I don't know how long I can hold on tonight.
I'm getting close to the line again.
I've locked myself in the bathroom so I don't do anything.
Whatever was keeping me safe has gone.
I keep driving to the bridge and turning back. I'm not sure I'll turn back next time.
My mind has gone somewhere dark and I can't pull it back.
I'm not in control of myself today.
I need a bed somewhere safe, I'll go anywhere.
Someone needs to know I'm not alright tonight.
I'm worried that if I go home alone I won't wake up tomorrow.
I'm at the end of my rope and I'm holding the rope.
I've got everything ready and I'm scared I'll use it.
The thoughts are taking over and I can't keep away from them.
I asked the pharmacist for weekly packs because I can't trust myself with a month's worth.
I'm not going to be able to resist much longer.
Please send somebody, I'm not safe.
I'm alone in the house with all my tablets and I'm struggling.
I feel like I'll do it if I don't talk to someone right now.
tonight is bad. really bad. i dont trust me
My brother took my car keys because I said I'd drive into a wall.
I had to get off the train because I wanted to jump in front of the next one.
I'm fighting myself every minute not to do it.
I don't feel like I can keep the promise I made last week.
I've been sitting by the open window for an hour and I can't move away from it.
If the hospital sends me home again, I won't be safe.
"""

# False friends: everyday words that look like risk, resolved past risk, genuine denials, agreed
# medication changes, fasting, sport, cooking, gaming, and ordinary hard feelings.
FRIENDS = """
This spreadsheet is killing me, three more tabs to go.
My feet are killing me after that [wedding|shift|hike].
We killed it at the pub quiz last night, first place.
I nearly died when I saw the price of the [tickets|fuel|rent].
I'd kill for a cup of tea right now.
The battery on my phone has died again.
My [dad|grandad|uncle] died peacefully at the hospice in March and we're slowly getting used to it.
The plants on the windowsill died while we were away.
I'm dying to know what happens in the next episode.
Our old dog died last year and the kids still talk about her.
We're dying of thirst on this walk, is there a shop near?
The band absolutely killed it at the festival.
Time to kill an hour before the [train|bus|match], coffee anyone?
That comedian had me dying with laughter.
The lawnmower died halfway through the back garden.
The conversation died when my ex walked into the party.
We killed off the main character in our book club's story game.
You'll kill me with these puns.
My grandmother used to say she'd die before she wore trousers.
He hit the ball clean over the fence and the whole team cheered.
The recession really hit the shop this year.
It hit me on the drive home that I'd forgotten the milk.
The new song is a real hit with the kids.
I hit the gym three times this week and I'm proud of myself.
Our little one hit a big milestone, she walked on her own today.
The storm hit the coast overnight and our fence is down.
I hit my thumb with the hammer putting up shelves.
We hit a lot of traffic on the motorway.
That film hit differently now I'm a dad.
My son hit his first six in cricket on Saturday.
I shook hands with the new manager today.
Shake the bottle before you give the baby the medicine.
The news shook me a bit but I talked it through with my sister.
I shake the rug out of the window every Sunday.
My hands shake after too much coffee, I'm cutting down.
Shake it off, my coach says, next point.
We had milkshakes with the grandkids after the park.
The earthquake on the news really shook Mum up.
I dropped the kids at school and went for a swim.
I dropped my phone in the bath, it's in a bag of rice now.
We dropped the baby at my mum's for the night and went to the cinema.
She dropped a plate and we laughed about it.
My grades dropped last term so I've made a study plan.
The temperature dropped overnight and the pipes froze.
I dropped a dress size since I started running.
I'm starving, what's for dinner?
The kids came home from football starving as usual.
We were starving after the hike and ate everything in the cool box.
I'm fasting for Ramadan and I break my fast with dates and water at sunset.
We fast for Lent from meat on Fridays and it's going fine.
I do intermittent fasting with my GP's blessing, I eat between twelve and eight.
Yom Kippur fast went well, we broke it with bagels at my aunt's.
I'm fasting before my blood test tomorrow morning.
Navratri fasting is hard work but my whole family does it together.
My doctor and I agreed to come off the antidepressants slowly over two months.
The GP stopped my blood pressure tablets because my readings are good now.
I've stopped the iron tablets as the nurse said my levels are back to normal.
My consultant switched my insulin to a pump and it's been much easier.
I've finished the course of antibiotics and my chest is clear.
We've reduced my lithium after my blood levels came back high, the team are watching it.
I'm off the sleeping pills now, the doctor weaned me off over six weeks.
I stopped taking the pill because we're trying for a baby.
My psychiatrist changed my medication and I've felt steadier since.
I'm coming off steroids slowly as planned.
I thought about suicide a lot when I was nineteen, but that was a long time ago and I'm in a good place now.
I used to self-harm in my teens. I haven't for eleven years and I'm proud of that.
Last winter I couldn't keep myself safe but this year is completely different.
I had an overdose years ago and I'm grateful every day that I survived it.
No, I'm not having any thoughts of hurting myself, honestly, just tired.
I've never wanted to die, I just want this job to be less stressful.
I feel safe at home and my partner is kind to me.
Nobody is hurting me, I promise, the bruise is from netball.
I don't have any thoughts of harming the baby, I'm just exhausted.
Things are hard but I'm not suicidal and I've got my safety plan if I need it.
My husband would never lay a finger on me, he's a gentle soul.
I know where to call if it ever gets bad again, and right now it isn't.
I chopped the onions, then the chicken, with the big knife my mum gave me.
Beat the eggs and sugar until pale and fluffy.
Cut the butter into the flour until it looks like breadcrumbs.
Kill the heat and let the sauce rest for five minutes.
Smash the garlic with the flat of the knife.
I burned the toast again, the smoke alarm went off.
We're slow roasting the lamb for eight hours.
I cut my finger chopping carrots, just a plaster needed.
Finally killed the final boss after forty tries.
My character died in the raid and I had to run back from the graveyard.
I keep dying on the same level of the game, it's so annoying.
We got wiped in the last round, my squad is rubbish.
Headshot from across the map, best game of the night.
I respawned right next to the enemy base.
Stab the pork with a fork so the marinade gets in.
We lost the match in the last minute and the lads were gutted.
I got knocked out in the second round of the boxing tournament.
Rugby training was brutal, I'm covered in bruises from tackles.
I fell off my bike on the trail and scraped both knees.
My black eye is from a stray elbow at basketball, nothing more.
We crushed them four nil at the weekend.
My knee's gone again at five-a-side, physio on Tuesday.
The kids are driving me mad with the noise this half term.
My teenager slammed the door and told me I'm the worst mum ever, classic.
We had a row about the washing up and made up over pizza.
My husband and I argue about money like everyone else, but we sort it out.
My wife checks the bank app and tells me off for takeaway coffees, which is fair.
He wants to know where I am when I'm driving at night, we share locations both ways.
My girlfriend gets jealous sometimes but we talk about it and she's never nasty.
My boyfriend lost his temper at the referee on telly and we all laughed at him.
The baby cried all night and I'm a zombie today but we're okay.
Twins are a lot of work but we've got my mum and a good health visitor.
I left the baby with her dad for the first time and it went fine.
My toddler bit his brother and had a time out.
The kids were left home alone for an hour, they're 15 and 17, and they made pancakes.
We forgot to pack lunch so the kids had school dinners.
Our son fell off the trampoline and broke his arm, the hospital were brilliant.
My daughter has a boyfriend from school, they're both fourteen and it's very sweet.
I told my son not to talk to strangers online and we set up parental controls together.
My nephew has a new stepdad and he adores him.
My mother-in-law spoils the baby rotten.
We made our wills when the baby was born, like the solicitor advised.
I've planned Mum's funeral with the undertaker, she wanted a woodland burial.
I've put my affairs in order for the house sale.
I gave my old clothes to the charity shop while clearing out.
We've paid off the mortgage at last and I'm giving away the old furniture.
I've sorted my pension so I can retire next year.
I'm leaving the job and saying goodbye to everyone on Friday.
Goodbye, old flat, we had a good five years.
I'm tired but it's a good tired after a day at the beach.
I'm so tired of this weather, bring on the summer.
I'm sick of cooking every night, we're getting chips.
I feel like a burden when I ask my sister for lifts, but she says she doesn't mind.
I wanted the ground to swallow me up when I called my teacher mum.
I just want to disappear under a duvet for a whole weekend.
I need to get away from it all, so we've booked a week in [Cornwall|Spain|the Lakes].
I can't wait for this week to be over.
I'm done with this diet, I'm having cake.
I'm scared of flying but I'm going anyway.
I'm frightened of spiders, my husband has to deal with them.
I don't trust myself around chocolate, so I don't keep it in the house.
I'm not safe to drive after the eye drops, so my son is taking me.
Keep the pills out of reach of children, it says on the box.
I take vitamin D tablets every morning in winter.
I picked up my prescription and it was the right dose this time.
We hung the washing on the line and climbed the rope swing by the river.
I went climbing and tied the rope in a figure of eight, like the instructor showed us.
We walked over the [Tyne|Menai|Severn] bridge on a gorgeous day.
I play bridge with my friends on Tuesdays.
The bridge on my glasses snapped, off to the optician.
We jumped off the harbour wall into the sea, it was freezing.
My grandad was in the army and he tells us war stories at Christmas.
My brother's a police officer and he's seen some things.
I read a crime novel where the detective solves a poisoning.
We watched a documentary about a murder case and couldn't sleep.
The news about the stabbing in town was awful, I hope the family is okay.
My pastor preached about forgiveness and it stayed with me.
I pray every night for my family's health.
I'm going to heaven on earth, also known as my nan's kitchen.
We prayed at the mosque for my uncle who's in hospital.
My auntie's going to the temple for the festival of lights.
I shot some lovely photos at the park.
I shot the breeze with my neighbour for an hour.
The farmer next door shot a fox that was after his hens.
We went clay pigeon shooting for my dad's birthday.
My son's having a growth spurt and he's always hungry.
I skipped breakfast because I overslept.
I've lost a stone on the slimming club plan and I feel great.
I don't really eat meat anymore, I've gone vegetarian.
I forgot to eat lunch because work was so busy, had a big dinner though.
I haven't washed my hair in three days, dry shampoo is my friend.
The fridge is empty because shopping day is tomorrow.
My dialysis is going well and the nurses are lovely.
I've started my chemo and the team are really kind.
I missed my appointment because of the snow, it's rebooked for next week.
My leg ulcer is healing with the new dressings.
My heart pills make me dizzy so the doctor is changing them.
I gave my grandson my old watch for his eighteenth.
I've written a letter to my future self for the time capsule.
Gran is settling into the care home and she's happy there.
The carer comes twice a day and we have a laugh.
I love my job as a paramedic but the night shifts are long.
Working on the wards, we deal with overdoses every week, it's part of the job.
As a nurse I give morphine to patients every day, properly prescribed.
I'm studying self-harm for my psychology dissertation.
Our training today was about safeguarding children, really useful.
I'm a teacher and I did the safeguarding course again this year.
The social worker came for our adoption assessment and it went well.
I had a nightmare where I fell off a cliff and woke up laughing at myself.
I dreamt my teeth fell out, what does that even mean?
I hate my job some days, but I love my team.
My boss is a nightmare but I've got an interview elsewhere.
I could strangle my brother for eating the last cake, but he's forgiven.
My mum will kill me when she sees my new tattoo.
If he's late again I'll kill him, he's always late, bless him.
My sister and I fight like cats and dogs and then go for lunch.
I was gutted when my team got relegated.
I'm over the moon, we got the house!
I feel a bit flat today, probably the rain.
Feeling a bit down but I went for a walk and it helped.
Some days are harder than others but I'm managing and I've got people around me.
Life's a lot right now with the move but we'll get there.
I'm crying at adverts again, must be the hormones.
I had a cry in the car after the meeting and then I felt better.
I'm worried about my mum's health but the doctors are on it.
I miss my dad every day, and talking about him helps.
It's five years since my wife passed and I'm learning to enjoy things again.
I'm taking each day as it comes and it's working.
Our baby is a handful but she's the best thing that's happened to us.
The baby's too much fun, we can't stop playing with her.
The baby was too much for me last night, so my husband took over and I slept till ten.
My husband's home from the rigs and the kids are buzzing.
I cancelled my gym membership because I'm running outside now.
I've given up alcohol for January and feel great.
I threw away all the junk food in the cupboard, new year new me.
I stopped going to the book club because it clashed with my night class.
The warfarin clinic says my levels are stable.
I'm off my inhaler for the first time in years thanks to the new treatment.
We locked the knives away because the toddler has learned to climb.
We put a gate on the stairs and locks on the cupboards for the baby.
My daughter asked us to keep her phone downstairs at night so she sleeps better.
I asked my wife to hide the biscuits from me.
My husband took my car keys because I'd had two glasses of wine.
I'm on the edge of my seat waiting for the results.
Tonight's the night, the final is on!
I can't keep my eyes open after lunch.
I'm losing the fight with the weeds in the garden.
I've got everything ready for the party tomorrow.
The plan is ready, we're leaving at six for the airport.
I picked a date for the wedding, June next year.
I'm counting down the days to my holiday.
I said my goodbyes at the leaving do and cried a little.
I'm going to see my mum on Sunday, she's cooking a roast.
Thinking about not going back to that gym, it's too pricey.
I don't see the point of the new parking rules.
I went quiet on the group chat because I'm on a social media break.
I'm at the bridge, where are you? We said two o'clock!
I just want everything to go quiet, the neighbours' party has been going since nine.
My heart isn't in this essay, but it's due Friday.
I wish this cold would hurry up and go.
The dog's getting old but he still loves his walks.
I'm only here for the free food, joking.
I'm not going to be a problem at the meeting, I'll keep my mouth shut.
I'd be doing everyone a favour if I brought cake tomorrow.
I'm a waste of space before my first coffee.
I'm so done with exams, bring on the holidays.
My son went to his dad's for the weekend and came back full of stories.
My ex and I co-parent pretty well these days.
His dad picks the kids up on Wednesdays and takes them for tea.
I'm scared of my driving test on Monday.
I'm terrified of the dentist but I went.
I feel unsafe walking through that park after dark, so I take the long way.
I think the man upstairs is a bit strange but he's harmless.
My landlord is slow with repairs but he's fine.
My carer helps me shower and she's brilliant.
My son helps with my shopping now I'm not driving.
I'm not allowed to eat before the operation.
The nurse told me I'm not allowed to drive for six weeks.
My wife says I'm not allowed any more gadgets this year.
He keeps my passport safe in the drawer with his, we're going on holiday.
I keep my bag packed for the hospital because the baby could come any day.
I've hidden the presents in the loft so the kids don't find them.
The kids were scared during the thunderstorm and slept in our bed.
My little one has a bruise on his knee from the playground.
She has nightmares about monsters sometimes, we leave the landing light on.
My daughter wet the bed after the scary film, poor thing.
We bathe the baby every night and she loves splashing.
My partner is brilliant with the baby, he does all the night feeds at the weekend.
The baby's first tooth came through and she's been grumpy all day.
I lost my temper with the kids this morning and then apologised and hugged them.
I shouted at the kids when they drew on the wall, then we cleaned it together.
I felt like throwing the printer out of the window.
I wanted to scream at the self-checkout machine.
I'm going to get back at my brother in the rematch on Saturday.
I want revenge for last week's quiz, we're coming for the trophy.
I'll batter you at chess next time, my grandson told me.
That's a killer dress, where did you get it?
This curry is so hot it's going to kill me.
Dead on my feet after the nightshift but home now.
My phone's on its last legs.
I'm at the end of my tether with this printer.
It's the end of the road for my old car, it failed its MOT.
I'm in pieces after that film, what an ending.
I'm broken after leg day.
I'm shattered, bed by nine tonight.
I'm running on empty, roll on Friday.
I'd rather die than wear that jumper, said my teenager.
I could have died of embarrassment when my phone rang in church.
I laughed so hard I nearly stopped breathing.
My heart stopped when the baby went quiet, but she'd just fallen asleep.
I felt invisible at the party, but I went up and talked to people.
I'm sick to death of the roadworks on our street.
We buried the hamster in the garden and said a few words.
I'm learning to live with my diabetes and I check my sugars every day.
I've stopped smoking and I'm eating more, which is fine.
I lost my appetite with the flu but it's coming back.
I'm not hungry tonight, I had a big lunch with my sister.
The cat brought in a dead mouse, lovely.
My son is obsessed with dinosaurs and war films.
We watched a horror film and I hid behind the cushion.
The ending of the book where she drowns made me cry.
The song is about a man who wants to die in his lover's arms, it's beautiful.
I went to the funeral of my friend's father, it was a lovely service.
My daughter's goldfish died and we had a little funeral.
We played murder in the dark at the sleepover.
I'm in a fantasy football league and my team is dying on its feet.
I nuked my own base by accident in the game.
My sim character set the kitchen on fire.
I'm addicted to this puzzle game, send help, just kidding.
I've got no energy today but I'll have an early night.
I've been low this week, but I've got my therapy session on Thursday and my friends are checking in.
I was suicidal after my divorce, years ago now, and therapy really helped me.
I used to think everyone would be better off without me, but I don't feel like that now.
I'm safe, I'm okay, I just needed to vent about work.
I'm not going to do anything silly, I just feel sad about the breakup.
I promise I'm safe, I've got my sister staying with me this week anyway.
We practised the safety plan in therapy and I haven't needed it for months.
I threw away the old tablets I'd been saving, my nurse helped me, and that feels good.
I handed in my old pills at the pharmacy for safe disposal.
The crisis team signed me off because I've been well for a year.
The hospital discharged me and I feel ready to be home.
"""

OPENERS = (
    "",
    "",
    "",
    "",
    "Honestly, ",
    "Tbh ",
    "Not sure how to say this but ",
    "So, ",
    "Update: ",
    "Sorry for the long message. ",
    "Just to let you know, ",
    "Week 3 of the worksheet. ",
    "Writing this at 2am. ",
    "Me again. ",
    "From the night shift: ",
    "For what it's worth, ",
    "At my age, ",
    "Since the baby came, ",
    "Since I got back from the army, ",
    "Quick one: ",
    "Ok so ",
    "Not much to report except ",
    "My counsellor said to write things down. ",
    "Where do I start. ",
)
CLOSERS = (
    "",
    "",
    "",
    "",
    " That's all really.",
    " Anyway.",
    " Sorry.",
    " x",
    " idk.",
    " Just wanted to say.",
    " I haven't told anyone else.",
    " My sister knows.",
    " See you Thursday.",
    " Thanks for reading.",
    " Make of that what you will.",
    " Not sure what else to add.",
)
TEXTSPEAK = (
    (r"\bI'm\b", "im"),
    (r"\bI've\b", "ive"),
    (r"\bdon't\b", "dont"),
    (r"\bcan't\b", "cant"),
    (r"\byou\b", "u"),
    (r"\bbecause\b", "cos"),
    (r"\bthough\b", "tho"),
    (r"\bpeople\b", "ppl"),
    (r"\bI'll\b", "ill"),
    (r"\bdidn't\b", "didnt"),
    (r"\btonight\b", "tonite"),
)
_CHOICE = re.compile(r"\[([^\]]+)\]")


def _pick(sentence: str, use: int) -> str:
    return _CHOICE.sub(lambda m: m.group(1).split("|")[use % len(m.group(1).split("|"))], sentence)


def _voice(sentence: str, use: int, style: int, rng: random.Random) -> str:
    """Use 0 is the sentence as written; later uses get an opening, an ending or a texting style."""
    text = _pick(sentence, use)
    if use == 0:
        return text
    opener = rng.choice([o for o in OPENERS if o])
    closer = rng.choice([c for c in CLOSERS if c])
    lowered = text if text[:2] in ("I ", "I'") else text[0].lower() + text[1:]
    started = opener + (text if opener.rstrip()[-1] in ".:" else lowered)
    if style == 0:
        text = started
    elif style == 1:
        text = (text if text[-1] in "?!" else text.rstrip(".") + ".") + closer
    elif style == 2:
        for pattern, short in TEXTSPEAK:
            text = re.sub(pattern, short, text)
        text = text.lower().rstrip(".").replace(",", "")
    else:
        text = (started if started[-1] in "?!" else started.rstrip(".") + ".") + closer
    return re.sub(r"\s+", " ", text).strip()


def rows() -> list[tuple[str, str, str, str]]:
    """Return (id, kind, min_severity, text) for every use of every sentence, in a fixed order, without repeats.

    The uses of one hand-written sentence share its number and differ in a final letter (t7012a, t7012b...):
    training keeps them in one cross-validation fold, so a sentence is never scored by a model trained on
    another voice of itself.
    """
    rng = random.Random("kinds_train7")
    out: list[tuple[str, str, str, str]] = []
    number = 0
    seen: set[str] = set()
    blocks = (
        ("being_harmed", BEING_HARMED),
        ("child_safeguarding", CHILD_SAFEGUARDING),
        ("harm_to_others", HARM_TO_OTHERS),
        ("self_neglect", SELF_NEGLECT),
        ("suicide_self_harm", SUICIDE_SELF_HARM),
        ("unable_to_keep_safe", UNABLE_TO_KEEP_SAFE),
        ("none", FRIENDS),
    )
    for kind, block in blocks:
        uses = FRIEND_USES if kind == "none" else RISK_USES
        severity = "-" if kind == "none" else ("high" if kind == "unable_to_keep_safe" else "medium")
        for sentence in (s.strip() for s in block.strip().splitlines()):
            offset = rng.randrange(4)
            number += 1
            for use in range(uses):
                text = _voice(sentence, use, (offset + use) % 4, rng)
                if text.lower() not in seen:
                    seen.add(text.lower())
                    out.append((f"t7{number:03d}{'abcde'[use]}", kind, severity, text))
    return out


def main() -> None:
    lines = [
        "# Seventh training set for the kinds of risk, written on 2026-12-07 by a fifth writer who read only the "
        "header and a few lines of kinds_train6.tsv (for the format) and word counts over the older training files.",
        "# Training data for the word model. Each of 800 hand-written sentences appears up to four (risk) or five (false "
        "friend) times in different voices: see make_kinds_train7.py, which writes this file.",
        "id\tkind\tmin_severity\ttext",
    ]
    lines += ["\t".join(row) for row in rows()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
