# Renders a price list in the visitor's currency as HTML: http.get is answered by the mock in cloudfn.json,
# render.render_template fills templates/prices.html (Jinja2, autoescaped) and static() links the stylesheet.
def main():
    currency = request.query_params.get("currency", "USD").upper()
    rates = http.get("https://api.exchangerate.example/latest", params={"base": "EUR"}).json()["rates"]
    rate = rates.get(currency)
    if rate is None:
        return render.render_html("<p>Unknown currency {{ c }}</p>", {"c": currency}, status_code=400)
    items = [{"name": name, "price": round(price * rate, 2)} for name, price in [("Tea", 3.5), ("Cake <big>", 4.25)]]
    return render.render_template("prices.html", {"currency": currency, "items": items})
