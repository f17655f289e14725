def test_the_ministry_reaches_a_members_two_factor_page_from_the_organisation(client, personas):
    from django.urls import reverse

    from layak.organisations.models import Membership

    member = Membership.objects.filter(user=personas.bekasi_admin).first()
    url = reverse("organisations:detail", args=[member.organisation_id])
    link = reverse("accounts:user_two_factor", args=[personas.bekasi_admin.pk])
    client.force_login(personas.ministry)
    assert link in client.get(url).content.decode()
    client.force_login(personas.bekasi_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="two-factor-' not in response.content.decode()
