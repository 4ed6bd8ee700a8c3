import factory
from factory.django import DjangoModelFactory

from notifications.choices import Kind, Provider
from notifications.models import Notification, WebhookEndpoint
from tests.factories import OrganisationFactory, UserFactory


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Kind.ACTIVITY_DAY_BEFORE
    target = factory.Sequence(lambda n: f"activity:{n}")
    period = "p"
    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"明天召开支部党员大会 {n}")
    link = "/"


class WebhookEndpointFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    organisation = factory.SubFactory(OrganisationFactory)
    provider = Provider.WECOM
    name = "党员群"
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key-0001"
