"""Varied sample prose for synthetic reports: every unit writes its own words.

Real reports of one region share phrases (政府信息公开条例, 进一步加强…) but not whole paragraphs;
the copy detection must stay silent on them and speak on copies. So a sentence here is an opener,
one or two actions and a result, each drawn from its own pool and filled with slots, by the
unit's own random generator: two units rarely write the same clause, yet all of them read like
the genre. Numbers appear only where the text checks read no table quantity (条 of 政务信息, 篇 of
解读, 次 of 培训).
"""

from __future__ import annotations

import random

_POOLS: dict[str, dict[str, list[str]]] = {
    "active": {
        "open": ["{org}{adv}落实《中华人民共和国政府信息公开条例》", "围绕{topic}等重点领域", "按照年度政务公开工作部署",
                 "坚持{principle}", "聚焦{topic}和{topic2}", "结合本单位职责", "紧扣{topic}工作大局",
                 "以群众需求为导向", "对照主动公开基本目录", "立足部门职能"],
        "act": ["{verb}{site}、政务新媒体等渠道发布{what}{n}条", "{verb2}公开政策措施和办事指南{n}条",
                "发布{kind}解读材料{m}篇", "对社会关注度高的事项{verb4}", "回应社会关切{m}次",
                "{adv2}更新机构职能和领导信息", "在政策制定中公开征求意见{m}次", "集中发布{topic}相关信息{n}条",
                "做好{topic}领域信息的发布", "开设{topic}专题{m}个", "推送{what}{n}条"],
        "end": ["{effect}", "{effect2}", "{effect}，{effect2}", "{feedback2}"],
    },
    "manage": {
        "open": ["{verb3}政府信息公开审查机制", "严格执行{rule}", "{verb3}公文公开属性源头认定", "对照{list_}",
                 "{adv2}开展{scope}清理工作", "按照“谁制作、谁公开”的原则", "落实信息发布前审查要求"],
        "act": ["{detail}", "全年{adj}公开信息{m}条", "对已公开信息进行全面梳理", "及时调整公开属性",
                "建立健全信息公开台账", "明确各科室职责分工", "做好公开前的保密审查"],
        "end": ["杜绝{risk}", "从源头上{effect3}", "{effect2}", "确保公开内容合法准确"],
    },
    "platform": {
        "open": ["{verb3}{site}建设", "在{place}设立政府信息公开查阅点", "{adv2}优化{site}栏目设置",
                 "推进政务新媒体规范化管理", "{adv2}维护{site}和政务新媒体", "加强政府信息公开平台建设"],
        "act": ["{site_detail}", "{place_detail}", "{media}", "新增{topic}栏目", "完善站内搜索功能",
                "统一信息发布标准"],
        "end": ["{effect}", "确保平台安全平稳运行", "{effect2}", "平台服务能力持续提升"],
    },
    "supervise": {
        "open": ["将政府信息公开工作纳入{assess}", "{year}年组织{train}{m}次", "{adv2}开展{check}",
                 "主动接受社会监督", "{adv}落实政务公开工作责任制", "成立政务公开工作领导小组"],
        "act": ["{detail2}", "{train_detail}", "发现问题{m}个并{fix}", "{feedback}", "定期研究部署政务公开工作",
                "将考核结果作为评先评优的依据"],
        "end": ["{effect2}", "{effect}", "推动各项工作落实落细"],
    },
    "problem": {
        "open": ["{year}年，{org}政府信息公开工作虽取得一定成效", "对照上级要求和群众期盼", "从{year}年工作情况看",
                 "在肯定成绩的同时", "回顾全年工作", "客观分析本单位工作", "对标先进地区和部门", "结合第三方评估反馈"],
        "act": ["但仍存在{p1}的问题", "{p2}的情况依然存在", "在{p3}方面还有差距", "{p1}，{p2}",
                "个别科室对{p3}重视不够", "{p3}的精细化程度不高", "{p2}，群众满意度有待提升"],
        "end": ["需要在今后工作中切实加以解决", "与新形势新要求相比还有不足", "有待进一步改进",
                "这些问题需要认真研究解决", "影响了公开工作的整体成效", "必须引起高度重视"],
    },
    "improve": {
        "open": ["下一步，{org}将", "针对上述问题，我们将认真加以改进", "{year_next}年，将重点", "今后，我单位将",
                 "为此，将采取以下措施", "围绕存在的问题，将", "对照整改要求，将"],
        "act": ["{i1}", "{i2}", "{i1}，{i1_detail}", "{i2}，{i2_detail}", "把{p3}作为改进重点",
                "建立问题整改清单并逐项销号", "加强与上级部门的沟通对接"],
        "end": ["{i3}", "切实{i3}", "力争{i3}", "努力{i3}"],
    },
}

_SLOTS = {
    "adv": ["认真", "严格", "全面", "扎实", "始终坚持", "持续"],
    "adv2": ["及时", "定期", "按季度", "常态化", "每月", "动态"],
    "verb": ["通过", "依托", "利用", "借助"],
    "verb2": ["集中", "及时", "专题", "主动", "分类"],
    "verb3": ["健全", "完善", "强化", "深化", "规范", "加强"],
    "verb4": ["及时作出回应", "主动发声", "释放权威信息", "加强舆情研判", "进行专门说明"],
    "what": ["政务信息", "各类政府信息", "工作动态", "通知公告", "公开信息"],
    "topic": ["财政预决算", "乡村振兴", "教育招生", "医疗卫生", "生态环境", "就业创业", "养老服务", "营商环境",
              "安全生产", "食品药品", "住房保障", "社会救助", "公共资源配置", "重大建设项目"],
    "topic2": ["稳就业保民生", "减税降费", "优化营商环境", "重大民生项目", "安全生产监管", "行政执法公示"],
    "effect": ["方便群众及时获取", "信息公开的及时性进一步增强", "公开内容更加全面", "群众知晓度明显提高",
               "确保信息准确完整", "提升了公开实效", "得到社会各界好评"],
    "effect2": ["公开质量稳步提升", "工作规范化水平不断提高", "取得了较好的社会效果", "有效保障了公众知情权",
                "为依法行政提供了有力支撑", "公开工作更加规范有序"],
    "effect3": ["规范公开行为", "提高公开质量", "落实公开要求", "防范公开风险"],
    "feedback2": ["充分听取社会各界意见", "对采纳情况予以反馈", "及时公布意见采纳情况", "扩大公众参与度"],
    "kind": ["图文", "视频", "文字", "动漫", "音频", "数字化"],
    "principle": ["以公开为常态、不公开为例外", "应公开尽公开", "先审后发", "依法依规", "公开透明"],
    "detail": ["明确审查主体和审查程序", "坚持“三审三校”", "落实保密审查责任", "建立信息发布台账",
               "做到应审必审、审后即发", "严格把好政治关、法律关、保密关"],
    "list_": ["主动公开基本目录", "政务公开标准目录", "权责清单", "公共服务事项清单"],
    "adj": ["新增", "调整", "补充", "完善"],
    "scope": ["历史信息", "规范性文件", "过期信息", "栏目内容"],
    "rule": ["保密审查制度", "信息发布审核制度", "公文公开属性源头认定制度", "个人信息保护有关规定"],
    "risk": ["泄密事件发生", "错误信息发布", "个人隐私泄露", "敏感信息外泄"],
    "site": ["政府网站", "政府信息公开专栏", "门户网站", "政务公开专区"],
    "site_detail": ["新增专题栏目", "提升检索和浏览体验", "实现栏目内容常态化更新", "完成适老化和无障碍改造",
                    "整合优化栏目结构", "规范栏目命名"],
    "place": ["政务服务大厅", "档案馆", "图书馆", "便民服务中心"],
    "place_detail": ["为群众查阅提供便利", "配备专人提供查询服务", "提供纸质和电子查阅服务",
                     "放置政府信息公开指南"],
    "media": ["统一账号管理", "落实内容审核", "加强日常巡查", "提升发布质量"],
    "assess": ["年度目标责任考核", "绩效考评体系", "党风廉政建设责任制", "年度重点工作"],
    "detail2": ["明确分管领导和具体承办人员", "层层压实工作责任", "定期通报工作进展", "确保各项任务落到实处"],
    "train": ["业务培训", "专题培训", "学习交流", "业务辅导"],
    "train_detail": ["提升工作人员业务能力", "参训人员覆盖全体信息员", "重点讲解依申请公开办理规范",
                     "邀请专家授课"],
    "check": ["网站自查", "栏目巡检", "政务公开自查", "第三方评估整改"],
    "fix": ["全部整改到位", "完成整改", "逐项整改落实", "建立整改台账"],
    "feedback": ["公布监督电话和电子邮箱", "开通网上意见征集渠道", "认真办理群众意见建议", "聘请社会监督员"],
    "p1": ["政策解读形式较为单一", "信息发布及时性有待提高", "部分栏目更新不够及时", "公开内容的深度和广度不够",
           "依申请公开答复规范化水平有待提升", "工作人员业务能力有待加强", "信息发布审核把关不够严格",
           "公开目录编制不够精细", "解读材料与政策文件同步率不高", "政策文件公开不够全面"],
    "p2": ["回应社会关切不够主动", "基层政务公开标准化建设推进较慢", "信息公开与政务服务融合不够",
           "公开平台互动性不强", "公开工作人员变动频繁", "图解等多样化解读运用较少", "网站栏目设置不够合理",
           "数据开放程度不高", "对群众关切的研判不够深入"],
    "p3": ["重点领域信息公开", "政策解读质量", "政务新媒体管理", "信息公开制度建设", "依申请公开办理",
           "基层政务公开", "公开平台建设", "信息公开考核"],
    "i1": ["加强业务培训", "完善工作机制", "丰富政策解读形式", "强化重点领域信息公开", "提高信息发布时效",
           "优化网站栏目设置", "健全公开目录动态更新机制", "加强解读与文件同步发布"],
    "i2": ["健全考核评价机制", "加大督促检查力度", "规范依申请公开办理流程", "推进政务公开标准化规范化",
           "加强政务新媒体管理", "完善依申请公开答复模板", "落实保密审查责任", "深化基层政务公开标准化"],
    "i3": ["不断提升政府信息公开工作质量", "切实保障人民群众的知情权", "推动政务公开工作再上新台阶",
           "更好地服务经济社会发展", "提升政府公信力"],
    "i1_detail": ["定期组织业务学习", "将培训纳入年度计划", "提升工作人员能力", "建立常态化学习机制"],
    "i2_detail": ["确保件件有回应", "做到规范高效", "形成工作闭环", "压实各方责任"],
    "fee": ["未收取信息处理费", "未收取任何信息处理费用", "依申请公开未收取费用", "在依申请公开工作中未收取信息处理费"],
    "other": ["无其他需要报告的事项。", "本年度无其他需要报告的事项。", "除上述情况外，无其他需要报告的事项。"],
    "extra": ["政务公开工作要点落实情况已在总体情况中说明。", "人大代表建议和政协提案办理结果已按要求公开。",
              "按照年度政务公开工作要点，各项任务均已落实。", "认真落实上级关于政务公开工作的部署，按时完成各项工作任务。"],
}
_OTHER = ["本年度{org}{fee}。{extra}{other}", "{fee}。{extra}{other}", "{extra}{org}{fee}。{other}"]


def _fill(frame: str, rng: random.Random, fixed: dict[str, str]) -> str:
    words = {k: rng.choice(v) for k, v in _SLOTS.items()}
    words.update(n=str(rng.randint(20, 900)), m=str(rng.randint(2, 40)), **fixed)
    return frame.format(**words)


def _sentence(pool: dict[str, list[str]], rng: random.Random, fixed: dict[str, str]) -> str:
    acts = rng.sample(pool["act"], k=rng.randint(1, 2))
    parts = [rng.choice(pool["open"]), *acts, rng.choice(pool["end"])]
    return _fill("，".join(parts), rng, fixed) + "。"


def _para(name: str, rng: random.Random, fixed: dict[str, str], lo: int, hi: int) -> str:
    return "".join(_sentence(_POOLS[name], rng, fixed) for _ in range(rng.randint(lo, hi)))


def prose(org: str, year: int | str, rng: random.Random, *, applications: str = "", review: str = "",
          art50: str = "") -> dict[str, str]:
    """一、五、六 of one unit: 主动公开, the drafted 依申请公开, 管理, 平台, 监督 (+ 复议诉讼, 第五十条), then
    问题 and 改进, then the fee statement."""
    y = int(year) if str(year).isdigit() else 0
    fixed = {"org": org, "year": str(year), "year_next": str(y + 1) if y else "次"}
    overall = [
        "（一）主动公开方面。" + _para("active", rng, fixed, 3, 5),
        applications,
        "（三）政府信息管理方面。" + _para("manage", rng, fixed, 2, 3),
        "（四）政府信息公开平台建设方面。" + _para("platform", rng, fixed, 2, 3),
        "（五）监督保障方面。" + _para("supervise", rng, fixed, 2, 3) + review + art50,
    ]
    problems = [_para("problem", rng, fixed, 2, 3), _para("improve", rng, fixed, 2, 2)]
    return {"overall": "\n".join(p for p in overall if p),
            "problems": "\n".join(problems),
            "other_matters": _fill(rng.choice(_OTHER), rng, fixed)}
