"""Header words beyond English, and the quantity-like columns the import must not take.

Raw word lists only (vocabulary.py normalises and merges them): one line per field and
confidence, names separated by "|". Lookup strips accents and case, so "Ilość", "Ilosc" and
"ILOŚĆ" are one key; CJK headers are kept as written. A word that means two things in BOMs
("Oznaczenie" is the designator or the part's designation, French "Désignation" a description,
English "Designation" a designator) is listed under AMBIGUOUS: the column's contents decide.
"""

from __future__ import annotations

FOREIGN_ALIAS_SPEC = """
item 1.0: Position | Pozycja | Lp | Lp. | Poz. | Posición | Posizione | Položka | 序号 | 序號
item 1.0: 項番
item 1.0: 番号 | Nº | Nr.
designators 1.0: Bezeichner | Bauteilbezeichner | Referenz | Referenzbezeichner
designators 1.0: Bestückungsbezeichner
designators 1.0: Repère | Repères | Désignateur | Designateur | Referencia | Referencias
designators 1.0: Designador | Designadores | Riferimento | Riferimenti | Designatore | Sigla
designators 1.0: Oznaczenie | Oznaczenia | Oznaczenie elementu | Označení | Referência
designators 1.0: Referências
designators 1.0: 位号 | 位號 | 标号 | 元件位号 | 器件位号 | 参考编号 | 参考位号 | リファレンス
designators 1.0: 部品記号 | 回路記号
designators 1.0: Schematic Reference | Schematic Ref | Ref Designators | RefDes List
designators 1.0: Reference List
quantity 1.0: Quantité | Qté | Quantite | Cantidad | Cant. | Quantità | Q.tà | Qta | Pezzi
quantity 1.0: Ilość | Liczba | Szt. | Sztuk | Množství | Počet | Počet kusů | Quantidade | Qtd
quantity 1.0: Qtde
quantity 1.0: Stück | Stk | Stk. | 数量 | 數量 | 用量 | 单板用量 | 個数 | 員数 | 使用数
quantity 1.0: Quantity Per Side | Qty Per Side | Qty/PCB | Qty per PCB | Quantity/PCB | Qty PCB
quantity 1.0: Qty/Unit | Quantity per unit | Qty per assembly | Quantity per assembly | Qty/Assy
quantity 1.0: Menge pro Platine | Menge je Platine | Anzahl pro Platine | Ilość na płytkę
value 1.0: Valeur | Valor | Valore | Wartość | Hodnota | 值 | 标称值 | 參數 | 参数 | 阻值/容值
value 1.0: 定数 | 値
value 0.9: 规格 | 規格
footprint 1.0: Boîtier | Boitier | Empreinte | Encapsulado | Huella | Encapsulamento | Contenitore
footprint 1.0: Obudowa | Pouzdro | Gehäuseform | 封装 | 封裝 | フットプリント | パッケージ | 外形
description 1.0: Désignation article | Descripción | Descrizione | Opis | Popis | Descrição
description 1.0: Descricao
description 1.0: 描述 | 说明 | 說明 | 物料描述 | 物料名称 | 名称 | 品名 | 部品名 | 説明 | 名前
description 0.9: Nazwa | Název | Nom | Nombre del componente | Denominazione
supplier 1.0: Lieferant | Fournisseur | Distributeur | Proveedor | Distribuidor | Fornitore
supplier 1.0: Distributore | Dostawca | Dodavatel | Fornecedor | 供应商 | 供應商 | 仕入先
supplier 1.0: 購入先 | 商社
supplier_pn 1.0: Bestell-Nr | Bestellnr | Lieferantennummer | Lieferanten-Artikelnummer
supplier_pn 1.0: Bestellcode
supplier_pn 1.0: Référence fournisseur | Réf. fournisseur | Code commande | Code fournisseur
supplier_pn 1.0: Código proveedor | Código de proveedor | Referencia proveedor | Código de pedido
supplier_pn 1.0: Codice fornitore | Codice ordine | Kod dostawcy | Indeks dostawcy
supplier_pn 1.0: Nr zamówieniowy
supplier_pn 1.0: Objednací číslo | Obj. číslo | Objednací kód | Código do fornecedor | 供应商编号
supplier_pn 1.0: 供应商料号 | 订货号 | 注文番号 | 商社品番
lcsc 1.0: 商品编号 | 立创编号 | 立创商城编号 | LCSC编号 | LCSC Part No | JLCPCB Part No
datasheet 1.0: Datenblatt | Fiche technique | Hoja de datos | Scheda tecnica | Nota katalogowa
datasheet 1.0: Katalogový list | Folha de dados | 数据手册 | 规格书 | データシート
part_number 1.0: 物料编码 | 物料编号 | 物料代码 | 社内品番 | Sachnummer | Materialnummer
notes 1.0: Bemerkungen | Kommentar | Hinweis | Anmerkung | Remarques | Commentaire | Commentaires
notes 1.0: Observations | Notas | Observaciones | Comentarios | Osservazioni | Uwagi | Poznámka
notes 1.0: Poznámky | Observações | Comentários | 备注 | 備註 | 備考 | 注記
fitted 1.0: Bestücken | Bestückung | Monté | Monte | Montado | Montar | Montato | Montare
fitted 1.0: Montaż | Montowany | Montować | Osazeno | Osadit | 贴片 | 是否贴片 | 焊接
fitted 1.0: 是否焊接 | 実装 | 実装有無
dnp 1.0: Nicht bestücken | Nicht bestückt | NB | Non monté | Ne pas monter | NM | No montar
dnp 1.0: No montado | Non montare | Non montato | Nie montować | Niemontowany | Neosazovat
dnp 1.0: Neosazeno | Não montar | Não montado | 不贴 | 不贴片 | 不焊接 | 不焊 | 未実装 | 実装しない
"""

# Manufacturer names go through mapping's alternate numbering ("Hersteller 2"), not ALIASES.
FOREIGN_MANUFACTURER_HEADERS = """
Produttore | Costruttore | Producent | Výrobce | Fabricante | Hersteller | Fabricant | Fabbricante
厂家 | 廠家 | 制造商 | 製造商 | 品牌 | 生产厂家 | 厂商 | メーカー | メーカ | 製造元 | 製造者
"""

FOREIGN_MPN_HEADERS = """
Herstellerteilenummer | Hersteller-Teilenummer | Herstellernummer | Hersteller-Artikelnummer
Herstellerartikelnummer | Hersteller Artikelnummer | Hersteller-Nr | Herstellerbezeichnung
Référence fabricant | Réf. fabricant | Ref fabricant | Numéro de pièce fabricant
Référence constructeur
Número de parte del fabricante | Referencia del fabricante | Ref. fabricante | Código fabricante
Código del fabricante | Codice produttore | Codice costruttore | Part number produttore
Numer katalogowy | Nr katalogowy | Kod producenta | Numer producenta | Symbol producenta
Katalogové číslo | Číslo výrobce | Kód výrobce | Objednací kód výrobce
Código do fabricante | Número de peça do fabricante | Referência do fabricante
型号 | 型號 | 料号 | 規格型號 | 规格型号 | 物料型号 | 厂家型号 | 制造商型号 | 原厂型号 | 型番
型式 | メーカー型番
"""

# "Part number" in other languages: an MPN unless a real MPN column exists.
FOREIGN_WEAK_PN_HEADERS = """
Teilenummer | Artikelnummer Hersteller | Número de parte | Nº de parte | Numéro de pièce | Codice
Código | 部品番号 | 品番 | 零件号 | 零件编号
"""

# Header words that name two fields in real BOMs: the first is taken unless the column's
# contents fit the other clearly better (see column_evidence.choose_among).
AMBIGUOUS_SPEC = """
designators: value | Oznaczenie | Oznaczenia | Označení
designators: description | Designation | Désignation | Designación | Designazione
designators: mpn | Référence | Reference | Referencia | Referência | Riferimento
value: notes | Comment
value: mpn | 规格 | 規格
"""

# Stock, ordering and kitting columns (sheets that buy for a build): whole numbers that
# are never the quantity per board.
STOCK_HEADERS = """
To order | To buy | Order | Need | Needed | Required | Have | Has | Stock | Stock Qty | On hand
In hand | Shortage | Short | Missing | Surplus | Kitted | Picked | Allocated | Reserved | Backorder
Backorder Quantity | Available | Inventory | Stock disponible | Stock dispo | A commander
À commander
Bestand | Lager | Lagerbestand | Lagerort | Bestellen | Fehlmenge | Vorrat | Bestellmenge
Stan | Stan magazynowy | Magazyn | Zamówić | Do zamówienia | Brakuje | Na stanie
Sklad | Skladem | Objednat | Chybí | Existencias | Pedir | A pedir | Faltan
Giacenza | Magazzino | Da ordinare | Mancanti | Estoque | Em estoque | A encomendar | Encomendar
库存 | 庫存 | 缺料 | 采购数量 | 采购 | 待采购 | 在庫 | 在库 | 欠品 | 発注数 | 不足
Preis | Einzelpreis | Gesamtpreis | Stückpreis | Prix | Prix unitaire | Precio | Precio unitario
Prezzo | Cena | Cena jednostkowa | Preço | 单价 | 總價 | 总价 | 金额 | 単価 | 金額 | 価格
Build Qty | Build Quantity | Kit Qty | Total Build | Ext Qty | Extended Qty | Extended Quantity
Purchase Qty | Buy Qty | Qty to order | Qty to buy | Qty needed | Qty Required | Qty Have
"""

# Words that make a header a quantity (for the build/stock and per-panel checks below).
QUANTITY_WORDS = (
    "qty",
    "quantity",
    "qnty",
    "quant",
    "count",
    "pcs",
    "menge",
    "anzahl",
    "stuck",
    "stk",
    "cantidad",
    "cant",
    "quantite",
    "qte",
    "quantita",
    "qta",
    "ilosc",
    "szt",
    "mnozstvi",
    "pocet",
    "quantidade",
    "qtd",
    "数量",
    "用量",
    "個数",
)

# A quantity word together with one of these names a figure for a whole build or order.
BUILD_QUALIFIERS = (
    r"x\d+",
    r"\d+x",
    r"for\d+",
    r"\d+(?:boards?|pcbs?|units?|pcs|sets?|kits?|builds?|stk|szt|ks)",
    r"build",
    r"order",
    r"buy",
    r"purchase",
    r"kit",
    r"extended",
    r"need",
    r"required",
    r"stock",
    r"total\d",
)

# Quantity columns counted per panel, and the columns or title cells giving boards per panel.
PANEL_WORDS = ("panel", "nutzen", "panelu", "拼板")
BOARDS_PER_PANEL_HEADERS = """
Boards per panel | PCBs per panel | PCB per panel | Units per panel | Boards/panel | PCBs/panel
Boards on panel | Panel size | Panelisation | Panelization | Nutzen | Anzahl Nutzen | Nutzenanzahl
Płytek na panelu | Cartes par panneau | Placas por panel | 拼板数 | 面付け数
"""
