from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = "Penilaian kinerja"

    def ready(self) -> None:
        # The domain's modules import models: only once the app registry is ready.
        from workflow.signals import transition_applied

        from .constraints import constraints_register
        from .services.documents import document_issue_on_transition

        constraints_register()
        # Inside the transition's transaction: the document's hash joins the chain with it.
        transition_applied.connect(
            document_issue_on_transition, dispatch_uid="appraisals.documents.issue"
        )
