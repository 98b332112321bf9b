"""Role rules: the title decides, generic titles defer to the description, non-AI stays non-AI."""

from __future__ import annotations

import pytest

from pipeline.classify import ClassifyInput, classify
from pipeline.classify.role import AI_ROLES, ROLE_IDS
from tests.support import grouped

LLM_TEXT = "Build agents and retrieval-augmented generation over customer documents with LLMs."
ML_TEXT = "Build demand forecasting models with gradient boosting and deploy them with MLflow."


def role(title: str, description: str = "", company: str = "") -> str:
    return classify(ClassifyInput(title=title, description=description, company=company)).role


def test_taxonomy_has_eighteen_roles_fourteen_of_them_ai() -> None:
    assert len(ROLE_IDS) == 18
    assert len(AI_ROLES) == 14
    assert not AI_ROLES & {"software_engineer", "data_engineer", "data_analyst", "other"}


TITLE_ROLES = {
    "titles decide": [
        ("Senior Machine Learning Engineer, Search", "ml_engineer"),
        ("ML Systems Engineer", "ml_engineer"),
        ("Product Data Scientist", "data_scientist"),
        ("Decision Scientist", "data_scientist"),
        ("Sr. Applied Scientist", "research_scientist"),
        ("Research Scientist, Multimodal", "research_scientist"),
        ("NLP Engineer", "nlp_llm_engineer"),
        ("GenAI Engineer", "nlp_llm_engineer"),
        ("Conversational AI Engineer", "nlp_llm_engineer"),
        ("Senior Perception Engineer", "computer_vision_engineer"),
        ("Machine Learning Engineer, Computer Vision", "computer_vision_engineer"),
        ("Reinforcement Learning Scientist", "rl_engineer"),
        ("Staff Software Engineer, ML Platform", "mlops_engineer"),
        ("LLMOps Engineer", "mlops_engineer"),
        ("AI Prompt Specialist", "prompt_engineer"),
        ("Product Manager, LLM Platform", "ai_product_manager"),
        ("Responsible AI Lead", "ai_ethics_governance"),
        ("AI Policy Analyst", "ai_ethics_governance"),
        ("Research Scientist, Alignment", "ai_safety_researcher"),
        ("AI Red Teamer", "ai_safety_researcher"),
        ("RLHF Specialist", "ai_trainer_evaluator"),
        ("Data Annotator", "ai_trainer_evaluator"),
        ("Forward Deployed Engineer, AI", "ai_solutions_specialist"),
        ("AI Curriculum Designer", "ai_educator"),
        ("Site Reliability Engineer III", "software_engineer"),
        ("Analytics Engineer", "data_engineer"),
        ("BI Analyst", "data_analyst"),
        ("Solutions Engineer, Generative AI", "ai_solutions_specialist"),
        ("Customer Engineer, AI/ML", "ai_solutions_specialist"),
        ("Machine Learning Researcher, Safety", "ai_safety_researcher"),
        ("Annotation Team Lead", "ai_trainer_evaluator"),
        ("Software Engineer, Machine Learning Infrastructure", "mlops_engineer"),
        ("Principal Statistical Programmer", "data_analyst"),
        ("Científico de Datos", "data_scientist"),
        ("Analista de Datos", "data_analyst"),
    ],
    "ai before or after a job noun is an ai engineer": [
        ("AI Technical Lead", "ml_engineer"),
        ("Principal Engineer - AI", "ml_engineer"),
        ("AI Senior Engineer", "ml_engineer"),
        ("AI Senior Engineer (Vision)", "computer_vision_engineer"),
        ("Staff SWE, AI", "ml_engineer"),
        ("Analytics Engineer (AI & Pipelines)", "data_engineer"),
        ("Senior Infrastructure Engineer (AI Lab)", "software_engineer"),
    ],
    "plural job nouns and swe read as the role": [
        ("Product engineers", "software_engineer"),
        ("AI Researchers", "research_scientist"),
        ("Data Scientists", "data_scientist"),
        ("Staff SWE, Product", "software_engineer"),
    ],
    "the title can say what kind of ai job it is": [
        ("Level 3 Support Analyst - AI Specialist", "other"),
        ("AI Engineer - FDE (Forward Deployed Engineer)", "ai_solutions_specialist"),
        ("Senior AI Deployment Consultant", "ai_solutions_specialist"),
        ("AI PM-in-Residence", "ai_product_manager"),
    ],
}
"""Titles whose role needs no description, grouped by the rule that decides them."""


@pytest.mark.parametrize(("title", "expected"), grouped(TITLE_ROLES))
def test_the_title_alone_decides_the_role(title: str, expected: str) -> None:
    assert role(title) == expected


def test_ai_engineer_follows_the_description() -> None:
    assert role("AI Engineer", LLM_TEXT) == "nlp_llm_engineer"
    assert role("AI Engineer", ML_TEXT) == "ml_engineer"
    assert role("AI Engineer") == "ml_engineer"


def test_software_titles_naming_ai_follow_the_description() -> None:
    assert role("Senior Software Engineer - AI", LLM_TEXT) == "nlp_llm_engineer"
    assert role("Full Stack Engineer (AI Products)", "Train PyTorch models.") == "ml_engineer"
    billing = classify(ClassifyInput(title="Software Engineer - AI", description="Billing APIs."))
    assert (billing.role, billing.is_ai, billing.ai_signal) == ("software_engineer", False, "title")
    assert role("Research Scientist, Drug Safety", "Pharmacovigilance studies.") == "other"


def test_member_of_technical_staff_follows_the_description() -> None:
    assert role("Member of Technical Staff", "Post-training of large language models.") == (
        "nlp_llm_engineer"
    )
    assert role("Member of Technical Staff", "Build our storage engine in Rust.") == (
        "software_engineer"
    )
    assert role("Member of Technical Staff - Frontend", LLM_TEXT) == "software_engineer"


def test_product_manager_is_ai_only_when_the_product_is() -> None:
    assert role("Product Manager", "Own our LLM-based support agent: evals and roadmap.") == (
        "ai_product_manager"
    )
    assert role("Senior Product Manager, Payments", "Own checkout and payouts.") == "other"


def test_inference_engineer_at_an_ai_lab_is_ml() -> None:
    assert role("Software Engineer, Inference", "", company="Anthropic") == "ml_engineer"
    assert role("Software Engineer, Inference", "Optimise LLM serving on GPUs.") == "ml_engineer"
    assert role("Software Engineer, Inference", "Speed up our SQL query engine.") == (
        "software_engineer"
    )


def test_plain_research_titles_need_ml_content() -> None:
    assert role("Research Scientist", "Wet-lab assays for oncology drug discovery.") == "other"
    assert role("Research Engineer", "Scale experiments training foundation models.") == (
        "research_scientist"
    )


def test_leaders_keep_the_role_they_manage() -> None:
    assert role("Head of Data Science") == "data_scientist"
    assert role("Director, Machine Learning") == "ml_engineer"
    assert role("VP of Engineering") == "software_engineer"


@pytest.mark.parametrize(
    "title",
    [
        "Registered Nurse - ICU",
        "Accountant",
        "Account Executive, AI Platform",
        "Technical Recruiter, Machine Learning",
        "Wheel Alignment Technician",
        "Vision Therapist",
        "Athletic Trainer",
        "Insurance Agent",
        "Red Team Operator",
        "Trust and Safety Analyst",
        "Brand Perception Manager",
    ],
)
def test_non_ai_titles_stay_non_ai(title: str) -> None:
    labels = classify(ClassifyInput(title=title, description="We use AI tools every day."))
    assert not labels.is_ai


def test_ai_signal_tiers() -> None:
    titled = classify(ClassifyInput(title="Machine Learning Engineer"))
    assert (titled.is_ai, titled.ai_signal) == (True, "title")
    described = classify(
        ClassifyInput(title="Backend Engineer", description="Serve PyTorch models behind LLM APIs.")
    )
    assert (described.role, described.is_ai, described.ai_signal) == (
        "software_engineer",
        False,
        "description",
    )
    plain = classify(ClassifyInput(title="Backend Engineer", description="Go and Postgres."))
    assert plain.ai_signal is None


def test_evidence_names_the_rule_and_llmops_flag_marks_llmops_titles() -> None:
    labels = classify(ClassifyInput(title="LLMOps Engineer"))
    assert "mlops" in labels.role_evidence
    assert labels.llmops
    assert not classify(ClassifyInput(title="MLOps Engineer")).llmops
    assert 0 < labels.role_confidence <= 1


def test_ai_engineer_titles_about_llms_are_llm_engineers() -> None:
    assert role("Principal Engineer - AI", "Build LLM agents with RAG.") == "nlp_llm_engineer"


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "Rate and rank model responses in Spanish; native speaker required.",
            "ai_trainer_evaluator",
        ),
        ("Run demos and proofs of concept with our sales team.", "ai_solutions_specialist"),
        ("Answer support tickets and troubleshoot customer issues.", "other"),
        ("Design and deploy PyTorch models.", "ml_engineer"),
    ],
)
def test_ai_specialist_is_decided_by_the_work(description: str, expected: str) -> None:
    assert role("AI Specialist", description) == expected


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        (
            "Content Reviewer",
            "Review and rate AI-generated responses from large language models.",
            "ai_trainer_evaluator",
        ),
        ("Search Quality Rater", "Judge search results for relevance.", "ai_trainer_evaluator"),
        ("Content Reviewer", "Review user posts against our community guidelines.", "other"),
        ("Program Evaluator", "Evaluate our after-school programmes.", "other"),
    ],
)
def test_raters_and_reviewers_of_model_output_are_ai_trainers(
    title: str, description: str, expected: str
) -> None:
    assert role(title, description) == expected


@pytest.mark.parametrize(
    ("title", "description", "expected"),
    [
        (
            "Sales Engineering Manager",
            "Demo our LLM agent platform to enterprise buyers.",
            "ai_solutions_specialist",
        ),
        ("Sales Engineer", "Demo our payroll software.", "other"),
        ("Developer Relations Engineer", "Write docs and tutorials.", "other"),
        ("Business Developer - Eastern Europe", "", "other"),
        ("Design Engineer", "Build our React design system.", "software_engineer"),
        ("Design Engineer", "Design roadway drainage to state standards.", "other"),
        ("Mechanical Design Engineer", "Build our React design system.", "other"),
        ("Senior Privacy Engineer", "", "software_engineer"),
        ("Principal Engineer - Privacy", "", "software_engineer"),
        ("Principal Engineer", "", "other"),
        ("Staff Engineer", "Scale our Python backend on Kubernetes.", "software_engineer"),
        ("Engineer", "Inspect bridges and sign off structural drawings.", "other"),
        ("Automation Engineer", "Program PLCs for the packaging line.", "other"),
        ("Senior CloudOps Engineer", "", "software_engineer"),
        ("Incident response engineer", "", "software_engineer"),
        ("Tech Lead/Manager, Native", "", "software_engineer"),
    ],
)
def test_generic_engineering_and_presales_titles(
    title: str, description: str, expected: str
) -> None:
    assert role(title, description) == expected


def test_a_title_naming_only_analytics_follows_the_work() -> None:
    assert role("SOX Analytics", "We are hiring an Analytics Engineer to build models.") == (
        "data_engineer"
    )
    assert role("Marketing Analytics", "Report on campaign performance.") == "data_analyst"
    assert role("Manager, Product Analytics", "We also hire a Data Engineer.") == "data_analyst"
