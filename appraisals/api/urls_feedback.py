"""Routes for check-ins, evidence, peer feedback and survey results."""

urlpatterns: list = []
