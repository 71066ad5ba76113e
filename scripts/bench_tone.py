"""Time tone.check on a 3,000-character letter per language (median of 200 runs)."""
import statistics, sys, time
from w4r import tone
BASE = {
 "en": "Dear Minister, I am a student from Leeds. I urge you to ensure that Tomás Ruiz receives the medical care he needs without delay. Thank you for reading my letter. ",
 "fr": "Monsieur le Ministre, je suis élève à Lyon. Je vous demande de veiller à ce que Tomás Ruiz reçoive les soins médicaux dont il a besoin. Merci de m'avoir lu. ",
 "es": "Señor Ministro: soy estudiante en Sevilla. Le pido que garantice que Tomás Ruiz reciba la atención médica que necesita sin demora. Gracias por leer mi carta. ",
 "pl": "Szanowny Panie Ministrze, jestem uczennicą z Krakowa. Proszę zapewnić Tomásowi Ruizowi opiekę medyczną, której potrzebuje. Dziękuję za przeczytanie listu. ",
 "de": "Sehr geehrter Herr Minister, ich bin Schülerin aus Köln. Ich bitte Sie, dafür zu sorgen, dass Tomás Ruiz die nötige medizinische Versorgung erhält. Danke fürs Lesen. ",
}
for lang, base in BASE.items():
    text = (base * 40)[:3000]
    for kind in ("appeal", "solidarity"):
        tone.check(text, kind=kind, lang=lang, ask="Ensure medical care.", religious_content=False)
        times = []
        for _ in range(200):
            t = time.perf_counter()
            tone.check(text, kind=kind, lang=lang, ask="Ensure medical care.", religious_content=False)
            times.append(time.perf_counter() - t)
        print(f"{lang} {kind:10} rules={tone.load_rules(lang).lang} median {statistics.median(times)*1000:.2f} ms  max {max(times)*1000:.2f} ms")
