from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "openipt.assessment"
    label = "assessment"
