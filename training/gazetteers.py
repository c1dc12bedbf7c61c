"""Gazetteer lists for the domain labels: build them once, load them for augmentation.

``python -m training.gazetteers build OUT_DIR`` writes ``zones.txt``, ``people.txt``,
``titles.txt``, ``companies.txt``, ``orgs.txt`` and ``projects.txt`` (UTF-8, one entry
a line).  Zone names come from jionlp's Chinese administrative-division dictionary
combined with zone suffixes; the other lists are built from word lists written here.

File format: the first line is ``# source: …``; a line ``# kind: NAME`` starts a group
of entries of that kind (e.g. ``gov``/``zone``/``corp`` titles) so that templates can ask
for a title that fits its context; other lines starting with ``#`` are comments.
Building is deterministic (fixed seed, sorted output).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

RESOURCE_DIR = Path(__file__).resolve().parent / "resources"
BUILD_SEED = 20240601
DEFAULT_KIND = "default"

# Files and the entity label whose entries they hold.
GAZETTEER_FILES = {
    "ZONE": "zones.txt",
    "OFFICIAL": "people.txt",
    "TITLE": "titles.txt",
    "COMPANY": "companies.txt",
    "ORG": "orgs.txt",
    "PROJECT": "projects.txt",
}


# --------------------------------------------------------------------------- loading


@dataclass
class Gazetteer:
    """Entries of one label, grouped by kind."""

    label: str
    kinds: dict[str, list[str]] = field(default_factory=dict)

    def entries(self, kind: str | None = None) -> list[str]:
        if kind is None:
            return [e for group in self.kinds.values() for e in group]
        return self.kinds.get(kind, [])

    def __len__(self) -> int:
        return sum(len(v) for v in self.kinds.values())

    def sample(self, rng: random.Random, kind: str | None = None) -> str:
        """A random entry; with ``kind`` None, a kind is picked first (so small kinds are not drowned)."""
        if kind is None:
            kind = rng.choice(sorted(k for k, v in self.kinds.items() if v))
        group = self.kinds.get(kind)
        if not group:
            raise KeyError(f"{self.label} gazetteer has no kind {kind!r}")
        return rng.choice(group)


@dataclass
class Gazetteers:
    """All gazetteers, by entity label."""

    by_label: dict[str, Gazetteer]

    def __getitem__(self, label: str) -> Gazetteer:
        return self.by_label[label]

    def __contains__(self, label: str) -> bool:
        return label in self.by_label

    def sample(self, label: str, rng: random.Random, kind: str | None = None) -> str:
        return self.by_label[label].sample(rng, kind)

    def sizes(self) -> dict[str, int]:
        return {label: len(g) for label, g in self.by_label.items()}


def parse_gazetteer(label: str, lines: list[str]) -> Gazetteer:
    kinds: dict[str, list[str]] = {}
    kind = DEFAULT_KIND
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            if body.startswith("kind:"):
                kind = body[len("kind:"):].strip() or DEFAULT_KIND
            continue
        kinds.setdefault(kind, []).append(line)
    return Gazetteer(label, kinds)


def load_gazetteers(resource_dir: Path | str = RESOURCE_DIR) -> Gazetteers:
    resource_dir = Path(resource_dir)
    by_label = {}
    for label, name in GAZETTEER_FILES.items():
        lines = (resource_dir / name).read_text(encoding="utf-8").splitlines()
        by_label[label] = parse_gazetteer(label, lines)
    return Gazetteers(by_label)


def format_gazetteer(source: str, kinds: dict[str, list[str]]) -> str:
    out = [f"# source: {source}"]
    for kind, entries in kinds.items():
        out.append(f"# kind: {kind}")
        out.extend(entries)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    """One prefecture or county from the administrative-division dictionary."""

    province: str      # 山西省
    province_short: str  # 山西
    full: str          # 大同市 / 交城县
    short: str         # 大同 / 交城 / 岚县 (short keeps 县 when the bare name would be one character)
    level: str         # "prefecture" | "county"


_ZONE_WORDS = ("开发区", "示范区", "园区", "高新技术", "新区", "风景名胜区", "试验区", "合作区")
_GENERIC_SHORTS = {"城区", "矿区", "郊区", "市辖区", "新区", "经开区", "高新区", "示范区"}


def _short_name(full: str, alias: object) -> str:
    if isinstance(alias, list):
        alias = alias[0] if alias else ""
    alias = alias if isinstance(alias, str) else ""
    if alias and len(alias) >= 2 and full.startswith(alias[:1]):
        return alias
    for suffix in ("自治县", "自治州", "地区", "市", "县", "区", "旗", "盟"):
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            return full[: -len(suffix)]
    return full


def load_location_data() -> dict:
    """jionlp's province → prefecture → county dictionary (its import banner is swallowed)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp  # noqa: PLC0415  (slow, optional import)

        return jionlp.china_location_loader()


def _is_zone_name(name: str) -> bool:
    return any(w in name for w in _ZONE_WORDS)


def places_from_locations(data: dict) -> tuple[list[Place], list[str]]:
    """Split the dictionary into ordinary places and entries that are themselves development zones."""
    places: list[Place] = []
    registry_zones: list[str] = []
    for prov, pdata in data.items():
        if prov.startswith("_") or not isinstance(pdata, dict):
            continue
        prov_short = _short_name(prov, pdata.get("_alias"))
        for pref, cdata in pdata.items():
            if pref.startswith("_") or not isinstance(cdata, dict):
                continue
            pref_short = _short_name(pref, cdata.get("_alias"))
            if _is_zone_name(pref):
                registry_zones.append(pref)
            elif pref != prov:  # municipalities repeat their own name
                places.append(Place(prov, prov_short, pref, pref_short, "prefecture"))
            for county, kdata in cdata.items():
                if county.startswith("_") or not isinstance(kdata, dict):
                    continue
                if _is_zone_name(county):
                    prefix = county[: county.find("新区")] if county.endswith("新区") else county
                    if not county.endswith("新区") or len(prefix) >= 2:
                        registry_zones.append(county)
                    continue
                short = _short_name(county, kdata.get("_alias"))
                if short in _GENERIC_SHORTS or county in _GENERIC_SHORTS:
                    continue
                places.append(Place(prov, prov_short, county, short, "county"))
    return places, sorted(set(registry_zones))


# --------------------------------------------------------------------------- zones

ZONE_SUFFIXES_MAJOR = ("经济技术开发区", "经济开发区", "高新技术产业开发区", "经开区", "高新区", "开发区")
ZONE_SUFFIXES_MINOR = ("综合保税区", "示范区", "产业示范园", "工业园区", "产业园区", "现代农业产业示范区",
                       "现代农业产业示范园", "新区", "高新技术产业园区", "循环经济园区", "农业科技园区",
                       "煤化工产业园区", "经济技术开发区南区", "物流园区", "文化产业示范区")
SHANXI = "山西省"


def build_zones(places: list[Place], registry: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Zone names: Shanxi places with every suffix, other provinces sampled, plus jionlp's own zones."""
    shanxi: set[str] = set()
    other: set[str] = set()
    for p in places:
        if p.province == SHANXI:
            for suffix in ZONE_SUFFIXES_MAJOR + ZONE_SUFFIXES_MINOR:
                shanxi.add(p.short + suffix)
            if p.level == "prefecture":
                shanxi.add(p.full + "经济技术开发区")
                shanxi.add(p.full + "经济开发区")
                shanxi.add(f"山西{p.short}经济开发区")
                shanxi.add(f"山西{p.short}高新技术产业开发区")
        else:
            if p.level == "prefecture":
                for suffix in rng.sample(ZONE_SUFFIXES_MAJOR, 4):
                    other.add(p.short + suffix)
            elif rng.random() < 0.18:
                other.add(p.short + rng.choice(ZONE_SUFFIXES_MAJOR + ZONE_SUFFIXES_MINOR[:8]))
    shanxi.update({"山西转型综合改革示范区", "山西综改示范区", "山西综合改革示范区"})
    return {"shanxi": sorted(shanxi), "other": sorted(other - shanxi), "registry": sorted(set(registry))}


# --------------------------------------------------------------------------- people

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
            "魏薛叶阎闫余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙段雷"
            "钱汤尹黎常武乔贺赖龚庞樊殷施陶洪翟颜倪严牛温季俞章鲁葛韦申尤毕聂焦柳邢岳霍裴郜靳卫"
            "成苗赫杭畅智续")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "令狐", "皇甫")
GIVEN_CHARS = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国文辉力鹏宇飞峰波斌宁林红玉萍东海"
               "亮永志晓春晨云龙成兵俊凯浩然博卫忠宏延标卓清帅鑫虎记爱民福生学荣庆德利兴旭阳光晋"
               "彬琳婷慧雪洁琴丹蕾颖佳怡欣昊昌宝贵泽振家祥维松青锋瑞元金树立健坤毅彦智茂森秋冬梅"
               "兰燕莉霖晖睿哲航远岩峻铭硕嘉鸿钧骏剑锐勤喜富旺彪顺良恒亚伦文斐璐瑶蓉楠蕊芸薇倩"
               "晶玲凤翠娥秀兰桃红艳丰收胜利继承红军卫东")
REDUPLICATED = "虎丹婷晶燕莉强亮磊欢"
# Two-character strings that read as ordinary words; names starting with them are dropped.
NAME_STOPWORDS = {
    "高新", "高端", "高效", "高兴", "文明", "安全", "方向", "常态", "常务", "金融", "石油", "龙头", "周期",
    "程度", "明显", "黄金", "于是", "林业", "江山", "王国", "强国", "建国", "建设", "建成", "建立", "文化",
    "田园", "石化", "金属", "任务", "许多", "周边", "陈列", "党建", "高平", "成立", "成功", "成为", "武乡",
    "温和", "常年", "康乐", "乔木", "贺电", "史学", "毛利", "钱财", "金额", "余额", "晋中", "秦晋",
    "高兴", "冯远", "白云", "白雪", "金秋", "黄河", "江海", "史记", "丁香", "牛羊", "毕业", "严明",
    "宁静", "龙凤", "钟鸣", "卫生", "申报", "尤其", "韩国", "马上", "成果", "高成", "孔明",
}


def build_people(rng: random.Random, n: int = 4000) -> dict[str, list[str]]:
    """Invented personal names, 2–3 characters: surname + one or two given-name characters."""
    surnames = list(dict.fromkeys(SURNAMES))
    given = list(dict.fromkeys(GIVEN_CHARS))
    names: set[str] = set()
    attempts = 0
    while len(names) < n and attempts < n * 20:
        attempts += 1
        r = rng.random()
        if r < 0.02:
            name = rng.choice(COMPOUND_SURNAMES) + rng.choice(given)
        elif r < 0.05:
            name = rng.choice(surnames) + rng.choice(REDUPLICATED) * 2
        elif r < 0.30:
            name = rng.choice(surnames) + rng.choice(given)
        else:
            a, b = rng.sample(given, 2)
            name = rng.choice(surnames) + a + b
        if name[:2] in NAME_STOPWORDS or name[-2:] in NAME_STOPWORDS:
            continue
        names.add(name)
    return {DEFAULT_KIND: sorted(names)}


# --------------------------------------------------------------------------- titles

GOV_POSITIONS = ("市长", "副市长", "常务副市长", "市委书记", "市委副书记", "市委常委", "秘书长", "副秘书长",
                 "县长", "副县长", "县委书记", "县委副书记", "区长", "副区长", "区委书记", "省长", "副省长",
                 "厅长", "副厅长", "局长", "副局长", "主任", "副主任", "处长", "副处长", "科长", "部长",
                 "副部长", "党组书记", "一级巡视员", "二级巡视员", "调研员", "镇长", "乡长", "党委书记")
# Bodies and the positions that go with them: 市委 → 市委书记, 市商务局 → 市商务局局长 …
GOV_BODY_POSITIONS: dict[str, tuple[str, ...]] = {
    "委": ("主任", "副主任"),
    "人民政府": ("副市长", "市长", "秘书长", "副秘书长"),
    "县人民政府": ("县长", "副县长"),
    "局": ("局长", "副局长", "党组书记"),
    "厅": ("厅长", "副厅长", "一级巡视员"),
    "委员会": ("主任", "副主任"),
    "中心": ("主任", "副主任"),
    "部": ("部长", "副部长", "常务副部长"),
    "办": ("主任", "副主任"),
}
CITY_BUREAUS = ("商务局", "工信局", "发改委", "科技局", "财政局", "自然资源局", "住房和城乡建设局", "生态环境局",
                "规划和自然资源局", "审批服务管理局", "行政审批服务管理局", "统计局", "交通运输局", "能源局",
                "农业农村局", "文化和旅游局", "人力资源和社会保障局", "应急管理局", "市场监督管理局",
                "招商投资促进服务中心", "投资促进中心", "开发区建设服务中心", "金融办", "政府办", "委组织部",
                "委宣传部", "委统战部", "发展和改革委员会", "工业和信息化局", "国资委", "税务局", "水务局")
PROVINCE_BUREAUS = ("商务厅", "发改委", "工信厅", "科技厅", "财政厅", "自然资源厅", "生态环境厅", "住建厅",
                    "能源局", "统计局", "地方金融监督管理局", "国资委", "委组织部", "投资促进局")
ZONE_POSITIONS = ("党工委书记", "党工委副书记", "党工委专职副书记", "党工委委员", "管委会主任", "管委会副主任",
                  "管委会常务副主任", "纪工委书记", "党工委委员", "管委会主任助理", "党工委书记、管委会主任")
BARE_ZONE_WORDS = ("开发区", "经开区", "示范区", "综保区", "高新区", "园区", "新区")
ZONE_DEPARTMENTS = ("招商局", "投资促进局", "经济发展局", "规划建设局", "企业服务局", "党群工作部", "综合办公室",
                    "项目服务中心", "财政金融局", "安全生产监督管理局")
CORP_POSITIONS = ("董事长", "副董事长", "总经理", "副总经理", "总裁", "副总裁", "党委书记", "董事", "执行董事",
                  "监事会主席", "总工程师", "财务总监", "首席执行官", "首席技术官",
                  "区域总经理", "项目经理", "厂长", "副厂长", "技术总监", "销售总监", "运营总监", "总经济师",
                  "党委副书记", "董事会秘书", "生产部部长", "研发中心主任", "创始人", "联合创始人", "执行总裁",
                  "常务副总经理", "总经理助理")
CORP_UNITS = ("集团", "公司", "股份公司", "集团公司")
CORP_SUBUNITS = ("分公司", "事业部", "研究院", "子公司", "项目部")
ORG_POSITIONS = ("校长", "副校长", "党委书记", "院长", "副院长", "教授", "副教授", "研究员", "副研究员",
                 "会长", "副会长", "执行会长", "常务副会长", "秘书长", "主任", "副主任", "所长", "副所长",
                 "理事长", "副理事长", "博士生导师", "首席专家", "总工程师", "学院院长", "系主任")


def build_titles(places: list[Place], rng: random.Random) -> dict[str, list[str]]:
    """Titles by the kind of body they belong to; government titles carry their body prefix."""
    gov: set[str] = set(GOV_POSITIONS)
    for bureau in CITY_BUREAUS:
        body = "市" + bureau
        gov.update(body + p for p in _positions_for(bureau))
    for bureau in PROVINCE_BUREAUS:
        gov.update("省" + bureau + p for p in _positions_for(bureau))
    gov.update({"市人民政府副市长", "市人民政府秘书长", "市人民政府副秘书长", "县人民政府副县长",
                "县委常委", "市委常委", "市政府副秘书长", "市政协副主席", "市人大常委会副主任"})
    shanxi = [p for p in places if p.province == SHANXI]
    for p in shanxi:
        if p.level == "prefecture":
            for pos in ("市长", "副市长", "常务副市长", "市委书记", "市委副书记", "市委常委"):
                gov.add(p.full + pos[1:] if pos.startswith("市委") else p.full + pos)
            gov.update(p.full + "人民政府" + pos for pos in GOV_BODY_POSITIONS["人民政府"])
            gov.update(p.full + b + pos for b in rng.sample(CITY_BUREAUS, 6) for pos in _positions_for(b)[:2])
        else:
            county = p.full
            head = {"县": ("县长", "副县长", "县委书记"), "区": ("区长", "副区长", "区委书记"),
                    "市": ("市长", "副市长", "市委书记")}.get(county[-1], ())
            gov.update(county + (h[1:] if h[1:2] == "委" else h) for h in head)
            gov.update(county + h for h in head if h[1:2] == "委")  # 绛县县委副书记 as well as 绛县委书记
            if county.endswith("县"):
                gov.update({county + "县委副书记", county + "县委常委"})
            if county.endswith("县"):
                gov.update(county + "人民政府" + pos for pos in GOV_BODY_POSITIONS["县人民政府"])
    for prov in {"山西省", "河北省", "河南省", "陕西省", "内蒙古自治区"}:
        gov.update(prov + b + pos for b in PROVINCE_BUREAUS[:6] for pos in _positions_for(b)[:2])
        gov.update({prov[:2] + "省副省长" if prov.endswith("省") else prov + "副主席"})

    zone: set[str] = {z for z in ZONE_POSITIONS if "、" not in z}
    # A bare zone word in front of the body belongs to the title: 经开区党工委书记, 示范区管委会副主任.
    zonebare = {w + z for w in BARE_ZONE_WORDS for z in ZONE_POSITIONS
                if "、" not in z and z.startswith(("党工委", "管委会"))}
    zone.update("管委会" + d + p for d in ZONE_DEPARTMENTS for p in _positions_for(d)[:2])
    zone.update(d + p for d in ZONE_DEPARTMENTS for p in _positions_for(d)[:1])
    corp: set[str] = set(CORP_POSITIONS)
    # A unit word before the position (集团党委书记, 事业部总经理) is used where no company name precedes.
    corpunit = {u + p for u in CORP_UNITS for p in ("党委书记", "董事长", "总经理", "副总经理", "副总裁", "总裁")}
    corpunit.update(u + p for u in CORP_SUBUNITS for p in ("总经理", "副总经理", "负责人") if u != "研究院")
    corpunit.update({"研究院院长", "研究院副院长", "数字文旅事业部总经理", "新能源事业部总经理", "华北区域总经理"})
    org: set[str] = set(ORG_POSITIONS)
    return {"gov": sorted(gov), "zone": sorted(zone), "zonebare": sorted(zonebare), "corp": sorted(corp),
            "corpunit": sorted(corpunit), "org": sorted(org)}


def _positions_for(body: str) -> tuple[str, ...]:
    for ending in ("委员会", "人民政府", "中心", "委", "局", "厅", "部", "办"):
        if body.endswith(ending):
            return GOV_BODY_POSITIONS[ending]
    return ("主任", "副主任")


# --------------------------------------------------------------------------- companies and projects

TRADE_FIRST = "瑞鑫恒宏华同盛泰锦天金润中富汇昌永龙亿凯安德博星广正嘉新兴万众晟东南宝银晋诚合海远丰云通"
TRADE_SECOND = "丰泰达远鑫晋创源和程成石通能盛兴禹腾辉凯润博河联阳峰翔安信泽康华隆宇科力邦祥辰航铭诺"
INDUSTRIES = ("新能源", "煤化工", "装备制造", "生物医药", "纺织", "新材料", "精密机械", "环保", "物流", "食品",
              "智能制造", "光电", "电子", "建材", "冶金", "铸造", "氢能", "储能", "数据", "信息技术",
              "汽车零部件", "光伏", "锂电", "碳纤维", "特钢", "铝业", "焦化", "陶瓷", "医疗器械", "现代农业",
              "畜牧", "杂粮", "酿造", "机械制造", "再生资源", "节能", "电力", "矿山机械", "半导体", "轨道交通",
              "航空", "能源", "化工", "制药", "石墨", "有色金属", "建筑", "工程", "农业", "文化旅游", "大数据")
COMPANY_FORMS = ("有限公司", "股份有限公司", "集团有限公司", "科技有限公司", "集团", "有限责任公司",
                 "科技股份有限公司", "集团股份有限公司", "实业有限公司", "发展有限公司")
FINANCE_FORMS = ("农村商业银行", "农商银行", "融资担保有限公司", "产业投资基金", "投资集团", "城投集团",
                 "国有资本投资运营有限公司")
SHORT_FORMS = ("集团", "科技", "重工", "化工", "股份", "能源", "实业", "新材", "药业", "控股", "电子", "智能")
BRANDS = ("京东", "吉利", "海尔", "康佳", "比亚迪", "宁德时代", "华为", "中海油", "中石化", "国家电网", "长城汽车",
          "格力", "美的", "联想", "阿里巴巴", "腾讯", "百度", "隆基绿能", "通威", "中国中车", "三一重工",
          "徐工集团", "中国宝武", "太钢集团", "太重集团", "晋能控股集团", "潞安化工集团", "华阳集团", "山西焦煤",
          "中国重汽", "大金重工", "美锦能源", "中国建材", "中国电建", "中国能建", "国家能源集团", "亿纬锂能",
          "协鑫集团", "远景科技", "金风科技", "中科院", "秦淮数据", "万达集团", "碧桂园", "中化集团")
PROJECT_PRODUCTS = ("高端装备", "羊绒羊毛全产业链", "锂电池负极材料", "光伏组件", "氢燃料电池", "甲醇重卡",
                    "新能源汽车", "碳纤维复合材料", "生物医药", "再生资源循环利用", "智能制造", "算力",
                    "高端起重机", "煤矿机械智能制造", "风电装备", "储能电池", "特种钢材", "精密铸造",
                    "绿色建材", "现代物流", "冷链物流", "杂粮精深加工", "肉羊养殖", "中药材", "功能食品",
                    "电子信息", "半导体材料", "氢能", "光机电", "铝基新材料", "石墨烯", "数字经济", "通用航空器研发")
PROJECT_SUFFIXES = ("项目", "产业园项目", "基地", "产业园", "示范基地", "生产基地", "制造基地",
                    "产业化项目", "建设项目", "全产业链基地", "研发中心", "产业园区项目",
                    "生产线项目", "创新中心", "技改项目", "扩建项目", "一期项目", "二期项目")
# Projects named after a facility rather than a product: 京东北算力中心, 秦淮数据中心.
FACILITY_PROJECTS = ("数据中心", "算力中心", "大数据产业园", "孵化中心", "物流园", "冷链物流中心", "科创中心",
                     "研发中心", "会展中心", "创新创业孵化中心", "智慧物流园", "标准化厂房项目")


def _trade_names() -> list[str]:
    return [a + b for a in TRADE_FIRST for b in TRADE_SECOND if a != b]


def build_companies(places: list[Place], rng: random.Random, n_full: int = 3000,
                    n_short: int = 600) -> dict[str, list[str]]:
    trades = _trade_names()
    shanxi = [p for p in places if p.province == SHANXI]
    full: set[str] = set()
    while len(full) < n_full:
        r = rng.random()
        if r < 0.45:
            p = rng.choice([q for q in shanxi if q.level == "prefecture"])
            prefix = rng.choice((p.full, p.short))
        elif r < 0.65:
            prefix = "山西"
        elif r < 0.80:
            prefix = rng.choice(shanxi).short
        elif r < 0.92:
            prefix = rng.choice(places).short
        else:
            prefix = ""
        industry = rng.choice(INDUSTRIES) if rng.random() < 0.85 else ""
        full.add(prefix + rng.choice(trades) + industry + rng.choice(COMPANY_FORMS))
    for _ in range(n_full // 20):
        p = rng.choice(shanxi)
        full.add(p.short + rng.choice(FINANCE_FORMS))
        full.add(rng.choice(trades) + rng.choice(FINANCE_FORMS[2:]))
    short: set[str] = set()
    while len(short) < n_short:
        short.add(rng.choice(trades) + rng.choice(SHORT_FORMS))
    return {"full": sorted(full), "short": sorted(short), "brand": sorted(set(BRANDS))}


def build_projects(places: list[Place], rng: random.Random, n: int = 2500) -> dict[str, list[str]]:
    trades = _trade_names()
    shanxi = [p for p in places if p.province == SHANXI]
    out: set[str] = set()
    while len(out) < n:
        r = rng.random()
        if r < 0.45:
            head = rng.choice(trades)
        elif r < 0.75:
            head = rng.choice(shanxi).short
        elif r < 0.85:
            head = rng.choice(trades) + rng.choice(("集团", "科技", "重工"))
        else:
            head = rng.choice(BRANDS)
        if rng.random() < 0.15:
            out.add(head + rng.choice(FACILITY_PROJECTS))
            continue
        middle = rng.choice(PROJECT_PRODUCTS) if rng.random() < 0.7 else rng.choice(INDUSTRIES)
        out.add(head + middle + rng.choice(PROJECT_SUFFIXES))
    return {DEFAULT_KIND: sorted(out)}


# --------------------------------------------------------------------------- organizations

GOV_BODIES_SHORT = ("市委", "市政府", "市人民政府", "县委", "县政府", "省委", "省政府", "区委", "区政府",
                    "市人大", "市政协", "市纪委监委", "党中央", "国务院", "商务部", "国家发改委", "工信部",
                    "科技部", "省委组织部", "市委组织部", "市委宣传部", "市金融办", "市委办公室")
UNIVERSITIES = ("山西大学", "太原理工大学", "中北大学", "山西农业大学", "山西医科大学", "山西财经大学",
                "山西师范大学", "太原科技大学", "山西大同大学", "忻州师范学院", "长治学院", "运城学院", "晋中学院",
                "太原学院", "吕梁学院", "太原师范学院", "山西工程技术学院", "中国农业大学", "清华大学", "北京大学",
                "浙江大学", "北京理工大学", "中国科学技术大学", "西安交通大学", "天津大学", "华北电力大学",
                "中国矿业大学", "北京科技大学", "哈尔滨工业大学", "南京大学", "同济大学", "武汉大学",
                "山西大学经济与管理学院", "太原理工大学材料科学与工程学院", "山西农业大学农学院",
                "山西职业技术学院", "山西机电职业技术学院", "山西工程职业学院")
INSTITUTES = ("中国科学院山西煤炭化学研究所", "山西省农业科学院", "中国科学院", "中国工程院", "山西功能食品研究院",
              "光机电产业研究院", "山西省科学技术情报研究院", "中国煤炭科工集团太原研究院", "山西省工业设计研究院",
              "中国农业科学院", "山西省能源研究院", "山西省生态环境研究中心", "国家能源研究院")
FIELDS = ("农业科学", "煤炭化学", "能源", "新材料", "智能制造", "生物医药", "光机电", "数字经济", "现代农业",
          "装备制造", "氢能", "碳基新材料", "功能食品", "杂粮")
ASSOC_FORMS = ("行业协会", "商会", "产业联盟", "企业家协会", "产业技术创新战略联盟", "促进会")
GENERIC_ASSOCS = ("工商业联合会", "企业家协会", "晋商商会", "山西商会", "外商投资企业协会", "青年企业家协会")


def build_orgs(places: list[Place], rng: random.Random) -> dict[str, list[str]]:
    shanxi = [p for p in places if p.province == SHANXI]
    prefs = [p for p in shanxi if p.level == "prefecture"]
    gov: set[str] = set(GOV_BODIES_SHORT)
    gov.update("市" + b for b in CITY_BUREAUS)
    gov.update("省" + b for b in PROVINCE_BUREAUS)
    for p in prefs:
        gov.update({p.full + "委", p.full + "人民政府", p.full + "政府"})
        gov.update(p.full + b for b in CITY_BUREAUS)
    for p in shanxi:
        if p.level == "county" and p.full.endswith("县"):
            gov.update({p.full + "委", p.full + "人民政府"})
    gov.update("山西省" + b for b in PROVINCE_BUREAUS)
    gov.update({"山西省人民政府", "山西省委", "市委宣讲团"})
    univ: set[str] = set(UNIVERSITIES)
    univ.update(p.short + rng.choice(("职业技术学院", "学院", "职业学院")) for p in prefs)
    inst: set[str] = set(INSTITUTES)
    for _ in range(120):
        p = rng.choice(shanxi)
        inst.add(rng.choice((p.full, p.short, "山西省")) + rng.choice(FIELDS) + rng.choice(("研究院", "研究所", "研究中心")))
    assoc: set[str] = set()
    other_prefs = [p for p in places if p.level == "prefecture"]
    for _ in range(300):
        p = rng.choice(prefs if rng.random() < 0.6 else other_prefs)
        place = rng.choice((p.full, p.short))
        if rng.random() < 0.3:
            assoc.add(place + rng.choice(GENERIC_ASSOCS))
        else:
            assoc.add(place + rng.choice(INDUSTRIES) + rng.choice(ASSOC_FORMS))
    party: set[str] = set()
    trades = _trade_names()
    for _ in range(150):
        party.add(rng.choice(trades) + rng.choice(SHORT_FORMS[:6] + ("公司", "")) + rng.choice(("党支部", "党委", "党总支")))
    for u in UNIVERSITIES[:12]:
        party.add(u + "党委")
    return {"gov": sorted(gov), "univ": sorted(univ), "inst": sorted(inst), "assoc": sorted(assoc),
            "party": sorted(party)}


# --------------------------------------------------------------------------- build


def build_all(location_data: dict, seed: int = BUILD_SEED) -> dict[str, dict[str, list[str]]]:
    """Every gazetteer, by label; each builder draws from its own seeded generator."""
    places, registry = places_from_locations(location_data)
    return {
        "ZONE": build_zones(places, registry, random.Random(seed + 1)),
        "OFFICIAL": build_people(random.Random(seed + 2)),
        "TITLE": build_titles(places, random.Random(seed + 3)),
        "COMPANY": build_companies(places, random.Random(seed + 4)),
        "ORG": build_orgs(places, random.Random(seed + 5)),
        "PROJECT": build_projects(places, random.Random(seed + 6)),
    }


SOURCES = {
    "ZONE": "jionlp china_location_loader() place names (prefectures, counties) + zone suffixes; "
            "kind registry = zone entries of that dictionary",
    "OFFICIAL": "invented: surname list x given-name characters written in training/gazetteers.py",
    "TITLE": "templates in training/gazetteers.py: positions x government bodies, zone/company/org positions",
    "COMPANY": "invented: place + trade name + industry + legal form (training/gazetteers.py); brand list",
    "ORG": "lists in training/gazetteers.py: government bodies x places, universities, institutes, associations",
    "PROJECT": "invented: trade name/place + product/industry + project suffix (training/gazetteers.py)",
}


def write_all(out_dir: Path, gazetteers: dict[str, dict[str, list[str]]]) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for label, kinds in gazetteers.items():
        path = out_dir / GAZETTEER_FILES[label]
        path.write_text(format_gazetteer(SOURCES[label], kinds), encoding="utf-8")
        sizes[GAZETTEER_FILES[label]] = sum(len(v) for v in kinds.values())
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.gazetteers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the gazetteer files into OUT_DIR")
    build.add_argument("out_dir", type=Path, nargs="?", default=RESOURCE_DIR)
    build.add_argument("--seed", type=int, default=BUILD_SEED)
    args = parser.parse_args(argv)
    if args.command == "build":
        sizes = write_all(args.out_dir, build_all(load_location_data(), args.seed))
        for name, size in sizes.items():
            print(f"{name}\t{size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
