"""Builds the shipped Word templates (run once after changing a text; the .docx files are committed):

    .venv/bin/python development/docx_templates/build.py

Placeholders are Jinja names filled by development/documents.py (see PLACEHOLDERS there). Each placeholder
sits in one run, which python-docx guarantees for text added in one call."""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent

COMMON_FOOT = ["", "{{ organisation }}（盖章）", "{{ today }}"]

TEMPLATES = {
    "TALK_RECORD": ("谈话记录", [
        "谈话对象：{{ name }}（{{ gender }}，{{ birth_date }}出生）",
        "所在党支部：{{ organisation }}",
        "谈话事项：{{ step_name }}",
        "谈话时间：{{ step_date }}",
        "谈话人：{{ people }}",
        "谈话情况：",
        "{{ note }}",
    ]),
    "ACTIVIST_FILING": ("关于确定{{ name }}同志为入党积极分子的备案报告", [
        "{{ superior }}：",
        ("{{ name }}同志于{{ applied_on }}递交入党申请书。经党员推荐、群团组织推优，{{ organisation }}支部委员会于"
         "{{ activist_on }}研究，确定{{ name }}同志为入党积极分子，现报上级党委备案。"),
        "报送日期：{{ step_date }}",
    ]),
    "CONTACT_OPINION": ("培养联系人考察意见", [
        "入党积极分子：{{ name }}",
        "所在党支部：{{ organisation }}",
        "确定为入党积极分子日期：{{ activist_on }}",
        "培养联系人：{{ contacts }}",
        "考察日期：{{ step_date }}",
        "考察意见：",
        "{{ note }}",
    ]),
    "CANDIDATE_FILING": ("关于确定{{ name }}同志为发展对象的备案报告", [
        "{{ superior }}：",
        ("{{ name }}同志于{{ activist_on }}被确定为入党积极分子，经过一年以上的培养教育和考察，{{ organisation }}"
         "支部委员会于{{ candidate_on }}讨论，同意将其列为发展对象，现报上级党委备案。"),
        "报送日期：{{ step_date }}",
    ]),
    "INTRODUCER_OPINION": ("入党介绍人意见", [
        "发展对象：{{ name }}",
        "所在党支部：{{ organisation }}",
        "入党介绍人：{{ people }}",
        "确定日期：{{ step_date }}",
        "介绍人意见：",
        "{{ note }}",
    ]),
    "PUBLICITY_NOTICE": ("关于{{ name }}同志拟发展为预备党员的公示", [
        ("经{{ organisation }}支部委员会审查，{{ name }}同志（{{ gender }}，{{ birth_date }}出生，{{ education }}，"
         "{{ job_title }}）拟发展为中共预备党员。该同志于{{ applied_on }}递交入党申请书，{{ activist_on }}被确定为入党积极"
         "分子，{{ candidate_on }}被确定为发展对象。"),
        "现予以公示，公示期自{{ step_date }}至{{ end_date }}。公示期间如有意见，请向{{ organisation }}或{{ superior }}反映。",
    ]),
    "ADMISSION_REQUEST": ("关于接收{{ name }}同志为中共预备党员的请示", [
        "{{ superior }}：",
        ("{{ organisation }}于{{ step_date }}召开支部党员大会，讨论{{ name }}同志的入党问题。应到会有表决权的正式党员"
         "{{ voters_entitled }}名，表决结果：赞成{{ votes_for }}票，反对{{ votes_against }}票，弃权{{ votes_abstain }}票。"
         "支部大会同意接收{{ name }}同志为中共预备党员，入党介绍人为{{ introducers }}。"),
        "妥否，请批示。",
    ]),
    "CONVERSION_REQUEST": ("关于{{ name }}同志转为中共正式党员的请示", [
        "{{ superior }}：",
        ("{{ name }}同志于{{ admitted_on }}经支部大会接收为中共预备党员，预备期于{{ probation_end }}届满。"
         "{{ organisation }}于{{ step_date }}召开支部党员大会讨论其转正问题，应到会有表决权的正式党员{{ voters_entitled }}名，"
         "表决结果：赞成{{ votes_for }}票，反对{{ votes_against }}票，弃权{{ votes_abstain }}票。同意{{ name }}同志按期转为"
         "中共正式党员。"),
        "妥否，请批示。",
    ]),
    "EXTENSION_DECISION": ("关于延长{{ name }}同志预备期的决定", [
        ("{{ name }}同志于{{ admitted_on }}被接收为中共预备党员。经支部大会讨论、上级党委审批，决定延长其预备期"
         "{{ extension_months }}个月，延长后的预备期于{{ probation_end }}届满。"),
        "决定日期：{{ step_date }}",
        "{{ note }}",
    ]),
}


def build() -> None:
    for kind, (title, paragraphs) in TEMPLATES.items():
        document = Document()
        style = document.styles["Normal"]
        style.font.name = "SimSun"
        style.font.size = Pt(14)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
        heading = document.add_paragraph(title)
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.runs[0].bold = True
        heading.runs[0].font.size = Pt(18)
        for text in paragraphs:
            document.add_paragraph(text)
        for text in COMMON_FOOT:
            paragraph = document.add_paragraph(text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        document.core_properties.title = title
        document.save(HERE / f"{kind}.docx")


if __name__ == "__main__":
    build()
