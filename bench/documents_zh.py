"""Simplified Chinese business documents (发票, 合同, 函件, 报告) from templates.

Like ``documents_en``: seeded, more blocks than fit on a page. The text is
the kind real Chinese office documents hold — full-width punctuation, dates
and amounts in Arabic digits, Latin abbreviations and reference numbers mixed
into the Chinese (spaces only where such documents put them: around Latin
words, never between Chinese characters).
"""
from __future__ import annotations

import random

from bench.blocks import Block, Heading, Lines, Paragraph, Table

COMPANIES = [
    "上海恒信物流有限公司", "北京中科联创信息技术有限公司", "深圳市华南电子元器件有限公司",
    "杭州云启软件股份有限公司", "广州白云医疗器械有限公司", "成都天府建设工程有限公司",
    "南京金陵食品贸易有限公司", "武汉长江精密机械制造有限公司", "苏州工业园区新材料科技有限公司",
    "天津港通国际货运代理有限公司",
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ["建国", "丽华", "志强", "秀英", "海燕", "晓明", "伟", "静", "磊", "婷", "明辉", "雪梅", "国庆", "文杰"]
CITIES = ["上海市", "北京市", "深圳市", "杭州市", "广州市", "成都市", "南京市", "武汉市"]
ROADS = ["浦东新区张江路", "海淀区中关村大街", "南山区科技园南路", "西湖区文三路", "天河区体育西路", "高新区天府大道"]
ITEMS = [
    "办公电脑（含显示器）", "激光打印机 HP M404", "A4复印纸（箱）", "服务器年度维保服务", "网络交换机 24口",
    "ERP系统实施服务", "员工安全培训（人次）", "会议室投影仪", "物流运输费", "不锈钢货架",
    "医用防护口罩（盒）", "UPS不间断电源", "软件授权许可（年）", "数据备份存储服务", "办公桌椅套装", "技术咨询服务（人天）",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2022, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def _money(rng: random.Random, lo: int = 500, hi: int = 900_000) -> str:
    return f"{rng.randint(lo, hi):,}.{rng.randint(0, 99):02d}"


def _ref(rng: random.Random, prefix: str) -> str:
    return f"{prefix}-{rng.randint(2022, 2025)}-{rng.randint(100, 9999):04d}"


def _address(rng: random.Random) -> str:
    return f"{rng.choice(CITIES)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def _fill(rng: random.Random, template: str, **extra: str) -> str:
    values = {
        "company": rng.choice(COMPANIES), "other": rng.choice(COMPANIES), "name": _name(rng),
        "date": _date(rng), "money": _money(rng), "days": str(rng.choice([5, 7, 10, 15, 30, 60, 90])),
        "pct": f"{rng.randint(2, 38)}.{rng.randint(0, 9)}%", "num": str(rng.randint(3, 480)),
        "year": str(rng.randint(2022, 2025)), "ref": _ref(rng, "HT"), "city": rng.choice(CITIES),
        "q": str(rng.randint(1, 4)), "month": str(rng.randint(1, 12)),
    }
    values.update(extra)
    return template.format(**values)


def _pool(rng: random.Random, templates: list[str], count: int) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        order = templates[:]
        rng.shuffle(order)
        out.extend(_fill(rng, t) for t in order)
    return out[:count]


CONTRACT_CLAUSES = [
    ("合同标的", "甲方委托乙方提供本合同附件一所列的技术服务，服务内容包括系统需求调研、方案设计、软件部署、数据迁移及上线后{days}天的运行维护。"),
    ("合同期限", "本合同自{date}起生效，有效期为{num}天。期满前30日内双方均未提出书面异议的，本合同自动续期一年。"),
    ("合同价款及支付方式", "本合同总价款为人民币{money}元（含增值税，税率6%）。甲方应在收到乙方开具的合法有效发票后{days}个工作日内，通过银行转账方式支付相应款项。"),
    ("双方的权利和义务", "甲方应按时提供乙方履行合同所需的资料、场地和必要的配合；乙方应按照约定的时间和质量标准完成服务，并指定专人负责项目的日常沟通与协调。"),
    ("保密条款", "任何一方对在履行本合同过程中获知的对方商业秘密、技术资料和客户信息负有保密义务，未经对方书面同意不得向第三方披露。本条款在合同终止后{num}个月内继续有效。"),
    ("知识产权", "乙方在履行本合同过程中为甲方开发的软件、文档及其他成果，其知识产权归甲方所有；乙方在签订本合同前已拥有的技术和工具，其知识产权仍归乙方所有。"),
    ("验收", "乙方完成全部服务后应书面通知甲方验收。甲方应在收到通知后{days}日内组织验收，逾期未提出书面异议的，视为验收合格。验收标准以附件二《技术规格说明书》为准。"),
    ("违约责任", "任何一方违反本合同约定的，应承担违约责任。甲方逾期付款的，每逾期一日应按未付金额的0.05%向乙方支付违约金；乙方逾期交付的，按同样标准向甲方支付违约金。"),
    ("不可抗力", "因地震、洪水、火灾、政府行为等不可抗力导致一方不能履行合同的，该方应在事件发生后{days}日内通知对方，并提供有关机构出具的证明，双方可据此协商延期履行或解除合同。"),
    ("争议解决", "因本合同引起的或与本合同有关的任何争议，双方应首先友好协商解决；协商不成的，任何一方均可向{city}有管辖权的人民法院提起诉讼。"),
    ("通知与送达", "本合同项下的通知应以书面形式发送至合同首页所列地址或电子邮箱，以专人送达的，在签收之日视为送达；以电子邮件发送的，在发出后的第一个工作日视为送达。"),
    ("其他", "本合同一式四份，甲乙双方各执两份，具有同等法律效力。本合同未尽事宜，由双方另行签订补充协议，补充协议与本合同具有同等法律效力。"),
    ("质量保证", "乙方保证所提供的服务符合国家相关标准及ISO 9001质量管理体系的要求，质保期为验收合格之日起{num}天，质保期内出现的质量问题由乙方免费处理。"),
]

LETTER_BODIES = [
    "贵公司于{date}发来的采购订单（编号：{ref}）我司已经收到。订单所列{num}种产品目前均有现货，预计将在5个工作日内由{city}仓库发出，请注意查收。",
    "根据双方上周会议的讨论结果，我司对明年的预算草案进行了调整。调整后的方案在保证新设备投资计划不变的前提下，运营成本可降低约{pct}。",
    "由于港口通关延误，原定于{date}到货的一批物资预计将推迟约{days}天送达。由此给贵方带来的不便，我们深表歉意，并将尽力缩短延误时间。",
    "自{date}起，我司部分产品价格将平均上调{pct}。在此日期之前下达的订单仍按现行价格结算，已签订的框架协议不受本次调整影响。",
    "经核对，贵公司编号为{ref}的发票（金额人民币{money}元）已于{date}到期，但尚未付款。如贵方已安排付款，请忽略本函；否则请尽快办理结算手续。",
    "我司定于{date}在{city}举办年度合作伙伴大会，会议内容包括供应链规划、客户服务以及新版在线订货平台的使用培训，诚挚邀请贵公司派员参加。",
    "随函附上已签署的服务协议一份、更新后的联系人名单以及下一季度的现场巡检计划。请于{date}前将会签后的协议寄回我司。",
    "如对本函内容有任何疑问，请与{name}联系，电话：021-6588{num}，或发送邮件至 service@example.com。感谢贵公司一直以来对我们工作的支持。",
    "经{date}现场检查，办公楼2层和3层的防火门存在无法完全关闭的问题。维修工作已经安排，预计费用约为{money}元，由物业维保合同承担。",
    "应贵方要求，我司同意将贵公司账户的付款期限延长至{days}天。本次调整适用于{date}之后开具的所有发票，并将于{month}月份重新评估。",
]

REPORT_SECTIONS = ["总体情况", "营业收入与利润", "生产经营", "市场与客户", "人力资源", "风险分析", "投资情况", "下一步工作计划"]
REPORT_SENTENCES = [
    "本季度公司实现营业收入{money}万元，同比增长{pct}，主要得益于华东地区新客户订单的增加。",
    "综合毛利率提高至{pct}，原因是运输成本下降以及加急订单数量减少。",
    "截至季度末，公司活跃客户数量达到{num}家，其中医疗和教育行业客户增长最快。",
    "本季度管理费用为{money}万元，略高于预算，主要是新设客户服务中心增加了人员。",
    "仓储管理系统于{month}月正式上线后，订单平均处理时间由3.4天缩短至2.1天。",
    "季度客户满意度调查共收回有效问卷{num}份，满意率为{pct}，较上季度有所提升。",
    "{city}的两家供应商未能按期交货，导致约{num}个订单延迟发货，最长延迟一周。",
    "公司投资{money}万元建设两条新的包装生产线，预计设备投资回收期为{num}个月。",
    "员工流失率下降至{pct}，全体员工本季度共完成安全生产培训{num}学时。",
    "明年面临的主要风险包括能源价格上涨、电子元器件交货周期延长以及汇率波动。",
    "季度末公司货币资金余额为{money}万元，银行授信额度尚未使用。",
    "预计{year}年全年营业收入增长6%至9%，前提是主要市场需求保持稳定。",
    "董事会批准了{money}万元的总部办公楼改造预算，工程计划于{date}前完成。",
    "在加强到货质量检验后，退货及折让金额占销售收入的比例下降至{pct}。",
    "与{company}合作的试点项目已于{date}结束，相关成果将在下次经营例会上汇报。",
    "公司通过了ISO 14001环境管理体系复审，并完成了ERP系统与CRM系统的数据对接。",
]


def invoice(rng: random.Random) -> list[Block]:
    seller, buyer = rng.sample(COMPANIES, 2)
    rows = []
    subtotal = 0
    for i, item in enumerate(rng.sample(ITEMS, rng.randint(9, 13)), 1):
        qty = rng.choice([1, 1, 2, 3, 5, 10, 20, 50])
        unit = rng.randint(20, 48_000) * 100 + rng.choice([0, 50])
        subtotal += qty * unit
        rows.append((str(i), item, str(qty), f"{unit / 100:,.2f}", f"{qty * unit / 100:,.2f}"))
    tax = round(subtotal * 0.13)
    return [
        Heading("销售结算单", level=0),
        Lines((f"单据编号：{_ref(rng, 'XS')}", f"开票日期：{_date(rng)}")),
        Lines((f"销售方：{seller}", f"地址：{_address(rng)}", f"统一社会信用代码：91{rng.randint(1000, 9999)}0000MA{rng.randint(10000, 99999)}X")),
        Lines((f"购买方：{buyer}", f"地址：{_address(rng)}", f"联系人：{_name(rng)}")),
        Table(("序号", "货物或服务名称", "数量", "单价（元）", "金额（元）"), tuple(rows), (False, False, True, True, True)),
        Lines((f"合计金额：{subtotal / 100:,.2f}元", f"税额（13%）：{tax / 100:,.2f}元", f"价税合计：{(subtotal + tax) / 100:,.2f}元")),
        Paragraph(_fill(rng, "付款方式：请于收到本结算单后{days}日内将款项汇入销售方指定账户（开户银行：中国工商银行{city}分行，账号：6222 0210 0{num} 8866）。")),
        Paragraph(_fill(rng, "备注：货物在全额付款前所有权归销售方所有。如发现货物损坏或数量不符，请在到货后{days}日内书面提出，逾期视为验收合格。")),
    ]


def contract(rng: random.Random) -> list[Block]:
    party_a, party_b = rng.sample(COMPANIES, 2)
    blocks: list[Block] = [
        Heading("技术服务合同", level=0),
        Lines((f"合同编号：{_ref(rng, 'HT')}", f"甲方（委托方）：{party_a}", f"乙方（受托方）：{party_b}", f"签订地点：{rng.choice(CITIES)}")),
        Paragraph("根据《中华人民共和国民法典》及相关法律法规的规定，甲乙双方在平等、自愿、公平、诚实信用的基础上，经友好协商，就甲方委托乙方提供技术服务事宜达成如下协议："),
    ]
    clauses = CONTRACT_CLAUSES[:]
    rng.shuffle(clauses)
    numerals = "一二三四五六七八九十"
    for n, (title, text) in enumerate(clauses):
        label = numerals[n] if n < 10 else "十" + numerals[n - 10]
        blocks.append(Heading(f"第{label}条 {title}"))
        blocks.append(Paragraph(_fill(rng, text)))
    return blocks


def letter(rng: random.Random) -> list[Block]:
    sender, recipient = rng.sample(COMPANIES, 2)
    bodies = _pool(rng, LETTER_BODIES, 12)
    return [
        Heading(f"关于订单{_ref(rng, 'PO')}相关事项的函", level=0),
        Lines((f"{recipient}：",)),
        *[Paragraph(b) for b in bodies[:3]],
        Lines(("特此函告。", sender, _date(rng))),
        Lines((f"联系人：{_name(rng)}　电话：010-8286{rng.randint(1000, 9999)}",)),
        *[Paragraph(b) for b in bodies[3:]],
    ]


def report(rng: random.Random) -> list[Block]:
    company = rng.choice(COMPANIES)
    blocks: list[Block] = [Heading(f"{company}{rng.randint(2022, 2025)}年第{rng.choice('一二三四')}季度经营情况报告", level=0)]
    sentences = _pool(rng, REPORT_SENTENCES, 64)
    for n, title in enumerate(REPORT_SECTIONS):
        blocks.append(Heading(f"{'一二三四五六七八'[n]}、{title}"))
        for _ in range(2):
            k = rng.randint(2, 4)
            take, sentences = sentences[:k], sentences[k:]
            blocks.append(Paragraph("".join(take)))
    return blocks


GENERATORS = {"invoice": invoice, "contract": contract, "letter": letter, "report": report}
