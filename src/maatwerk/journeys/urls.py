from . import urls_decide, urls_notify, urls_work

app_name = "journeys"
urlpatterns = [*urls_work.urlpatterns, *urls_decide.urlpatterns, *urls_notify.urlpatterns]
