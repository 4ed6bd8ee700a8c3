"""The national base data set of 2017 (全国党员管理信息系统的党组织和党员基本信息采集): its items, their order
and wording, and the code lists they use, translated to and from our register.

Sources (found with the project's search tool, 2026-11-30):
- 中共中央组织部《关于开展党组织和党员基本信息采集工作的通知》(2017), as forwarded by provincial organisation
  departments, e.g. 皖组通字〔2017〕26号 (http://www.uta.edu.cn/dwzzb/2017/0619/c639a8658/page.htm) and
  黑组通字〔2017〕32号 (http://dqxxgcxy.nepu.edu.cn/info/1118/1338.htm): "采集内容共26项……其中党组织和所在
  单位基本信息10项、党员基本信息16项" (附件1《党组织和所在单位基本信息采集表》, 附件2《党员基本信息采集表》).
- 《党组织和党员基本信息采集说明（0614）》 (https://m.1wenmi.com/doc/213602.html): the organisation form's
  items 1–6 in order and wording (党组织名称、党组织书记、党组织联系人、联系电话、组织类别、党组织所在单位情况
  with its three values 与上级党组织相同 / 法人单位 / 联合党支部).
The stored copies do not show the rest of the forms verbatim: the member form's 16 items and the organisation
form's items 7–10 below follow the published 附件 as it is commonly reproduced, and should be checked against
the 附件 (www.12371.cn) before a real submission.

What the register does not hold is derived and said so in the workbook's 说明 sheet: 是否为失联党员 (是 exactly
when 党籍状态 is 停止党籍), 是否为流动党员 (否: not recorded here yet), 单位性质类别 (党政机关: every unit of a
市直机关工委 is a government organ), 统一社会信用代码 (empty: not recorded).
"""

from members.choices import Education, EmploymentStatus, Gender, MembershipStatus, Stage

SOURCE = ("中共中央组织部《关于开展党组织和党员基本信息采集工作的通知》（2017年）附件1《党组织和所在单位基本信息"
          "采集表》、附件2《党员基本信息采集表》；《党组织和党员基本信息采集说明》")
SOURCE_URLS = (
    "http://www.uta.edu.cn/dwzzb/2017/0619/c639a8658/page.htm",
    "http://dqxxgcxy.nepu.edu.cn/info/1118/1338.htm",
    "https://m.1wenmi.com/doc/213602.html",
)

# 附件2《党员基本信息采集表》: 16 items, in order.
MEMBER_ITEMS = (
    "姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部", "入党日期", "转正日期",
    "工作岗位", "联系电话", "家庭住址", "党籍状态", "是否为失联党员", "是否为流动党员",
)
# 附件1《党组织和所在单位基本信息采集表》: 10 items, in order.
ORGANISATION_ITEMS = (
    "党组织名称", "党组织书记", "党组织联系人", "联系电话", "组织类别", "党组织所在单位情况", "单位名称",
    "单位性质类别", "法人单位标识", "统一社会信用代码",
)

# GB 3304 names of China's 56 ethnic groups.
ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族",
    "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE}
MEMBER_CATEGORIES = {"正式党员": Stage.FULL, "预备党员": Stage.PROBATIONARY}
# 学历: the national list; our register keeps 中专/高中 as one value, exported as 中等专科.
EDUCATION = {
    "博士研究生": Education.DOCTORATE, "硕士研究生": Education.MASTER, "大学本科": Education.BACHELOR,
    "大学专科": Education.COLLEGE, "中等专科": Education.SECONDARY, "职业高中": Education.SECONDARY,
    "技工学校": Education.SECONDARY, "普通高中": Education.SECONDARY, "初中及以下": Education.BELOW,
}
EDUCATION_OUT = {Education.DOCTORATE: "博士研究生", Education.MASTER: "硕士研究生", Education.BACHELOR: "大学本科",
                 Education.COLLEGE: "大学专科", Education.SECONDARY: "中等专科", Education.BELOW: "初中及以下"}
# 工作岗位 for members who are not serving; a serving member's 工作岗位 is their post as recorded.
POSTS_NOT_SERVING = {"离退休人员": EmploymentStatus.RETIRED, "学生": EmploymentStatus.STUDENT,
                     "无固定职业": EmploymentStatus.UNEMPLOYED}
POSTS_OUT = {value: label for label, value in POSTS_NOT_SERVING.items()}
SERVING_WITHOUT_POST = "在职人员"
STANDING = {"正常": MembershipStatus.ACTIVE, "停止党籍": MembershipStatus.SUSPENDED}
STANDING_OUT = {value: label for label, value in STANDING.items()}
YES_NO = {"是": True, "否": False}

ORGANISATION_CATEGORIES = {
    "WORKING_COMMITTEE": "党工委", "PARTY_COMMITTEE": "党委", "GENERAL_BRANCH": "党总支", "BRANCH": "党支部",
    "TEMPORARY_BRANCH": "临时党支部",
}
UNIT_SITUATIONS = ("与上级党组织相同", "法人单位", "联合党支部")
UNIT_NATURE = "党政机关"

CODE_LISTS = {
    "性别": tuple(GENDERS),
    "民族": ETHNICITIES,
    "学历": tuple(EDUCATION),
    "人员类别": tuple(MEMBER_CATEGORIES),
    "工作岗位（非在职）": tuple(POSTS_NOT_SERVING),
    "党籍状态": tuple(STANDING),
    "是否为失联党员": tuple(YES_NO),
    "是否为流动党员": tuple(YES_NO),
    "组织类别": tuple(ORGANISATION_CATEGORIES.values()),
    "党组织所在单位情况": UNIT_SITUATIONS,
    "法人单位标识": tuple(YES_NO),
}
