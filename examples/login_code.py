# Issues a one-time login code for an app user (the current API: db.find_user, db.query, db.create_document,
# db.bulk_update_documents, keyword filters with operators). Payload: {"email": "..."}.
# The code is made from the user's id and the time, so that the example needs no secrets module.


async def main():
    email = request.get("email", "").strip().lower()
    if not email:
        return {"error": "email is required"}, 400
    user = db.find_user(email=email)
    if user is None:
        return {"error": "no such user"}, 404

    # Codes issued in the last 10 minutes that are still unused are replaced by the new one.
    since = (datetime.utcnow() - datetime.timedelta(minutes=10)).isoformat()
    recent = db.query("login_codes", user_id=user["id"], used=False, created_at_gte=since, limit=50)
    if recent["total"] >= 5:
        return {"error": "too many codes, try again later"}, 429
    db.bulk_update_documents("login_codes", [{"id": code["id"], "used": True} for code in recent["data"]])

    number = sum(ord(char) for char in user["id"] + datetime.utcnow().isoformat()) % 1000000
    code = db.create_document("login_codes", {"user_id": user["id"], "code": f"{number:06d}", "used": False})
    active = db.count_documents("login_codes", user_id=user["id"], used=False)
    return {"sent_to": user["email"], "code_id": code["id"], "active_codes": active, "replaced": recent["total"]}
