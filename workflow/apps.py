from django.apps import AppConfig, apps
from django.utils.module_loading import autodiscover_modules

from . import definition, fsm


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Workflow engine"

    def ready(self) -> None:
        # Each app declares its lifecycles in `<app>/lifecycle.py` (as the admin
        # finds `admin.py`); importing it registers the table. The models are
        # loaded by now, so a table may import its domain freely, and its
        # transitions are bound to its model here: models never import tables.
        autodiscover_modules("lifecycle")
        for workflow, model in definition.bindings():
            fsm.bind(workflow, apps.get_model(model))
