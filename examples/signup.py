# Registers a newsletter signup: validates the payload, stores it, and reports how many signups exist.
def main():
    form = request.json()
    email = (form.get('email') or '').strip().lower()
    if not re.match(r'^[^@\s]+@[^@\s]+\.[a-z]{2,}$', email):
        return {"error": "a valid email is required"}, 400

    existing = db.get_documents('signups', filters={'email': email}, limit=1)
    if existing:
        print(f"already signed up: {email}")
        return {"status": "exists", "id": existing[0]['id']}

    signup = db.create_document('signups', {
        'email': email,
        'name': form.get('name', '').strip().title(),
        'topics': form.get('topics', []),
        'source': request.query_params.get('utm_source', 'direct'),
        'created_at': datetime.now().isoformat(),
    })
    print(f"new signup {signup['id']} for {email}")
    return {"status": "created", "id": signup['id'], "total": db.count_documents('signups')}
