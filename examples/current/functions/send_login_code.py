# Issues a one-time login code (the current API's style with the seed's db calls): secrets for the code,
# hashlib for what is stored, timedelta for the expiry, config for the pepper and req.send_mail for the mail,
# which cloudfn records in the run's outbox. Payload: {"email": "..."}.
def main():
    email = (req.payload.get("email") or "").strip().lower()
    if not email:
        return {"error": "email is required"}, 400
    user = db.get_app_user_by_email(email)
    if user is None:
        return {"error": "unknown email"}, 404

    since = (datetime.utcnow() - timedelta(minutes=15)).isoformat()
    recent = [c for c in db.get_documents("login_codes", filters={"user_id": user["id"]}) if c["created_at"] >= since]
    if len(recent) >= 3:
        return {"error": "too many codes, try again later"}, 429

    code = f"{secrets.randbelow(10**6):06d}"
    digest = hashlib.sha256((code + config.get("CODE_PEPPER", "")).encode()).hexdigest()
    minutes = config.get("CODE_MINUTES", 10)
    expires = datetime.utcnow() + timedelta(minutes=minutes)
    db.create_document("login_codes", {"user_id": user["id"], "code_hash": digest, "expires_at": expires.isoformat(), "used": False})
    req.send_mail(to=user["email"], subject=f"Your {config.get('APP_NAME', 'app')} login code",
                  body=f"Your code is {code}. It expires in {minutes} minutes.")
    return {"sent": True, "expires_at": expires.isoformat()}
