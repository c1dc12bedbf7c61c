"""Word lists of the event layer: triggers, the markers of the negative cases (SCHEMA.md
'Not events', GUIDELINES.md §4.4) and the cue words of argument roles.

Everything here is data; the rules that use it live in triggers.py and roles/.
"""
from __future__ import annotations

SIGN, VISIT, MEETING = "SIGN_CONTRACT", "VISIT_INSPECT", "MEETING"

# Trigger words per event type (SCHEMA.md).  Two adjacent trigger words of one type form one
# trigger (参观考察, 主持召开): one mention, one event.
TRIGGER_WORDS: dict[str, tuple[str, ...]] = {
    SIGN: ("签约", "签订", "签署", "签下", "缔结"),
    VISIT: ("调研", "考察", "视察", "察看", "查看", "走访", "拜访", "观摩", "参观", "督导"),
    MEETING: ("召开", "举行", "举办", "承办", "主持", "座谈", "开展"),
}
HOLDING_VERBS = ("召开", "举行", "举办", "承办")
# Verbs that hold a meeting only when its name follows them (开展…对接会商; 开展调研 is no meeting).
OBJECT_HOLDING_VERBS = ("开展", "承办")

# Gatherings that are not meetings (GUIDELINES.md §4.4).
NOT_MEETING_NOUNS = ("仪式", "活动", "读书班", "培训班", "大赛", "沙龙", "竞赛", "比赛", "展览", "博览")
# 会 that ends a fair, a show or a party rather than a meeting.
NOT_MEETING_ENDINGS = ("招聘会", "展销会", "博览会", "交易会", "运动会", "晚会", "联欢会", "音乐会", "庙会", "展会",
                       "订货会", "采摘会", "博会", "交会", "贸会")   # 博会/交会/贸会: a fair's short name (某博会, 某交会)

# --- negative cases -------------------------------------------------------------------------
# Plans and exhortations: a marker in the clause before the trigger.
PLAN_MARKERS = ("将", "要", "拟", "计划", "欢迎", "希望", "力争", "准备", "打算", "争取", "有望", "届时", "即将", "下一步",
                "必须", "务必", "应当", "应该", "鼓励", "期待", "谋划", "筹备", "筹划")
# Habitual practice with no specific occurrence.
HABIT_MARKERS = ("分期分批", "定期", "常态化", "一周一", "一月一", "经常", "坚持", "持续", "不断", "多次", "连续",
                 "历年", "长期")  # and 每月/每周/每季度/每半年… (triggers.py)
# Method descriptions: 通过组织企业参观考察、召开座谈会等方式…
METHOD_MARKERS = ("等方式", "等形式", "等途径", "等举措", "等措施", "等渠道", "为抓手")
# A series of signings over time is a statistic, not one signing.
SERIES_MARKERS = ("先后", "近年来", "多年来", "近几年", "历年来", "陆续", "相继")
# Formulaic references: a study verb before the trigger and a speech word after it.
STUDY_VERBS = ("贯彻", "落实", "学习", "牢记", "践行", "领会", "按照", "根据", "遵照")
SPEECH_WORDS = ("讲话", "指示", "精神", "要求", "嘱托")
# Formulaic references to a leader's inspection (贯彻…视察…重要讲话/指示精神).
FORMULAIC_AFTER = ("重要讲话", "重要指示", "讲话精神", "指示精神", "时的重要", "时的讲话", "时的指示", "指示要求")
# Noun uses of a VISIT trigger word: 考察团, 调研组, 观摩团, 调研指示, 考察结束后 …
VISIT_NOUN_NEXT = ("团", "组", "员", "指示", "结束", "期间", "报告", "成果", "中", "课题", "对象", "点", "路线")
# A visit named as the setting of what follows is a mention of its own (GUIDELINES §10.17: 调研中，…)
VISIT_SETTING_NEXT = ("中，", "中,", "过程中，", "过程中,", "期间，", "期间,")
# …and words that make the verb part of another term: a party sanction (留党察看, 留用察看), a survey (问卷调研)
VISIT_NOUN_PREV = ("此次", "这次", "本次", "该次", "一次", "一周一", "上次", "的", "留党", "留用", "问卷")
# Aggregate statistics and noun uses of a SIGN trigger word.
SIGN_NOUN_NEXT = ("一批", "仪式", "活动", "金额", "总额", "额", "率", "开工率", "前", "后", "会", "项目", "的", "资金",
                  "即", "情况", "重点", "代表", "工作")
SIGN_NOUN_PREV = ("累计", "新", "已", "引进", "当年", "“", "\"")
# A signing ceremony named after the signing is a mention of it (SCHEMA: 出席签约仪式, 签约仪式上，X表示)
CEREMONY_NOUNS = ("仪式", "活动", "大会")
CEREMONY_ATTENDANCE = ("出席", "参加", "见证", "主持", "莅临", "参与", "致辞", "讲话")
PLEDGE_WORDS = ("承诺书", "责任书", "责任状", "承诺")

# --- role cues -------------------------------------------------------------------------------
# Movement prepositions that introduce the place visited.
PLACE_PREPS = ("来到", "走进", "深入", "前往", "莅临", "赴", "到", "来", "在")
# Prepositions that end a plain-span place (…赴北京市开展招商考察).
PLACE_STOPS = ("开展", "进行", "实地", "参加", "举行", "召开", "洽谈", "对接", "的", "就", "分别", "先后")
# Adverbs that may stand between the place and the visit (在甲市、乙市分别察看): the place is still
# written right before the verb.
VISIT_ADVERBS = ("分别", "先后", "实地", "现场", "专题", "一同")
# Groups that visit without an entity label (a plain-span visitor).
VISITOR_GROUPS = ("考察团", "调研组", "观摩团", "代表团", "专家团队", "委员们", "企业家们", "客商们", "与会人员",
                  "与会领导", "与会代表")
GROUP_MODIFIERS = ("招商", "外资企业", "企业", "专家", "央企")
# Bodies of an unnamed zone that may be a signing party or a meeting organizer as a plain span.
BODY_SPANS = ("开发区机关党支部", "开发区党工委", "开发区管委会", "示范区党工委", "示范区管委会", "园区党工委",
              "园区管委会", "区党工委", "区管委会", "机关党支部")

COMPANION_CUES = ("陪同",)
ALONG_CUES = ("随同",)  # members who travel along: not companions and not named visitors
JOIN_CUES = ("参加",)   # …参加考察。: people who join a visit are its companions (GUIDELINES §10.25, §10.32)
WITNESS_CUES = ("见证",)
CHAIR_CUES = ("主持",)
ATTEND_CUES = ("出席", "参加", "讲话", "致辞", "报告", "介绍", "汇报", "发言", "参会", "列席")

CLAUSE_PUNCT = set("，,；;：:。！？!?\n")
SEGMENT_PUNCT = set("；;。！？!?\n")
