def test_pages_render_for_each_persona(city, client):
    for user in [city.admin, city.secretary, city.member_user]:
        client.force_login(user)
        assert client.get("/").status_code == 200
    client.force_login(city.secretary)
    assert client.get("/organisations/").status_code == 200
    assert client.get(f"/organisations/{city.org_a.pk}/").status_code == 200
    assert client.get(f"/organisations/{city.org_b.pk}/").status_code == 404
    assert client.get("/members/").status_code == 200
    assert client.get(f"/members/{city.member.pk}/").status_code == 200
    assert client.get(f"/members/{city.member.pk}/edit/").status_code == 200
    assert client.get("/members/new/").status_code == 200
    client.force_login(city.admin)
    r = client.get(f"/members/{city.member.pk}/personal-data/")
    assert city.member.id_number in r.content.decode()
