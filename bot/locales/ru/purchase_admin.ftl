## Покупки организатора: создание, товары, статусы, заказы, выгрузки.

cmd-newpurchase = новая покупка (по шагам или одной строкой)
cmd-mypurchases = мои покупки
cmd-purchase = покупка по номеру: /purchase 12

purchase-admin-status = { $status ->
    [draft] черновик
    [open] сбор заказов
    [stopped] стоп
    [payment] оплата
    [ordered] заказано у поставщика
    [arrived] поступило
    [distribution] раздача
    [closed] закрыта
   *[cancelled] отменена
    }
purchase-admin-move = { $status ->
    [open] Открыть сбор заказов
    [stopped] Стоп
    [payment] Начать оплату
    [ordered] Заказано у поставщика
    [arrived] Товар поступил
    [distribution] Начать раздачу
    [closed] Закрыть покупку
   *[cancelled] Отменить покупку
    }

purchase-admin-button-card = « К покупке
purchase-admin-button-skip = Пропустить
purchase-admin-button-one-by-one = По одному
purchase-admin-button-paste = Списком
purchase-admin-button-done = Готово
purchase-admin-button-add-items = Добавить товары
purchase-admin-button-new = Новая покупка
purchase-admin-button-items = Товары ({ $count })
purchase-admin-button-orders = Заказы ({ $count })
purchase-admin-button-exports = Выгрузки
purchase-admin-button-mine = « Мои покупки
purchase-admin-button-yes = Да
purchase-admin-button-no = Нет
purchase-admin-button-retire-item = Снять №{ $number }
purchase-admin-button-restore-item = Вернуть №{ $number }
purchase-admin-button-supplier-csv = Поставщику, CSV
purchase-admin-button-supplier-xlsx = Поставщику, XLSX
purchase-admin-button-distribution-csv = Раздача, CSV
purchase-admin-button-distribution-xlsx = Раздача, XLSX
purchase-admin-button-stale = Эта кнопка уже не к месту. Начните заново нужной командой, например /mypurchases.

purchase-admin-not-found = Такой покупки у вас нет. Ваши покупки — /mypurchases.
purchase-admin-item-not-found = Такого товара в ваших покупках нет. Ваши покупки — /mypurchases.
purchase-admin-bad-id = Напишите номер покупки цифрами, например: /purchase 12. Ваши покупки — /mypurchases.
purchase-admin-items-locked = Товары меняются только в черновике и во время сбора заказов, а покупка сейчас в статусе «{ $status }».

## Новая покупка по шагам.
# The one-line form, with a stop a week ahead and a payment deadline four days after it.
purchase-admin-form-example = /newpurchase Название; Поставщик; Категория; сбор 15%; стоп { DAY(7) }; оплата { DAY(11) }; мин 30000
purchase-admin-ask-title =
    Новая покупка. Как она называется? Например: «Детская одежда Orby, осень».
    Быстрее — одной строкой: { purchase-admin-form-example }
    Выйти — /cancel.
purchase-admin-ask-description = Описание для покупателей: условия, сроки, размерная сетка. Можно пропустить.
purchase-admin-ask-supplier = Поставщик (название или сайт). Можно пропустить.
purchase-admin-ask-category = Категория: выберите кнопкой или напишите свою.
purchase-admin-ask-fee = Оргсбор в процентах: выберите кнопкой или напишите, например «12,5».
purchase-admin-ask-stop =
    Дата стопа — до какого дня принимаются заказы (включительно, по московскому времени).
    Например: { DAY(7) }, { DAY(7, style: "short") } или { DAY(7, style: "iso") }.
purchase-admin-ask-pay = Оплатить до какого дня? Не раньше даты стопа ({ $stop }).
purchase-admin-ask-min = Минимальная сумма заказа у поставщика (например, 30 000) или минимум в штуках (например, 50 шт). Можно пропустить.

purchase-admin-category-clothes = Одежда
purchase-admin-category-shoes = Обувь
purchase-admin-category-kids = Детское
purchase-admin-category-beauty = Косметика
purchase-admin-category-home = Для дома
purchase-admin-category-food = Продукты
purchase-admin-category-other = Другое

purchase-admin-error-title = Название — от { $min } до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку, без ссылок. Попробуйте ещё раз.
purchase-admin-error-supplier = Поставщик — до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку. Попробуйте ещё раз.
purchase-admin-error-category = Категория — до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку, без ссылок. Попробуйте ещё раз.
purchase-admin-error-description = Описание — до { $max } { $max ->
        [one] символа
       *[other] символов
    }, без служебных символов. Попробуйте ещё раз.
purchase-admin-error-fee-empty = Напишите оргсбор в процентах, например 15.
purchase-admin-error-fee-not_a_number = Оргсбор — это число процентов, например 15 или 12,5.
purchase-admin-error-fee-negative = Оргсбор не может быть отрицательным.
purchase-admin-error-fee-too_large = Оргсбор больше { $max } % — похоже на опечатку. Напишите ещё раз.
purchase-admin-error-fee-too_precise = Оргсбор — не больше двух знаков после запятой, например 12,5.
purchase-admin-error-fee-zero = Оргсбор не может быть нулевым.
purchase-admin-error-min-empty = Напишите сумму, например 30 000, или количество, например 50 шт, или пропустите шаг.
purchase-admin-error-min-not_a_number = Не понял минимум. Напишите сумму, например 30 000 или 30000,50, или количество, например 50 шт.
purchase-admin-error-min-negative = Сумма не может быть отрицательной.
purchase-admin-error-min-zero = Минимальная сумма должна быть больше нуля — или пропустите шаг.
purchase-admin-error-min-too_large = Сумма больше { $max } — похоже на опечатку.
purchase-admin-error-min-too_precise = В сумме не больше двух знаков после запятой (копейки).
purchase-admin-error-date-format = Не понял дату. Напишите, например, { DAY(7) }, { DAY(7, style: "short") } или { DAY(7, style: "iso") }.
purchase-admin-error-date-invalid = Такой даты нет в календаре. Проверьте день и месяц.
purchase-admin-error-date-past = Эта дата уже прошла. Самая ранняя возможная — { $today }.
purchase-admin-error-date-too-far = Дата слишком далеко — больше двух лет вперёд. Проверьте год.
purchase-admin-error-pay-before-stop = Срок оплаты не может быть раньше стопа ({ $stop }).
purchase-admin-error-form-parts =
    Не хватает частей. Формат одной строкой:
    { purchase-admin-form-example }
    Поставщика и категорию можно заменить на «-»; минимум — необязателен. Или просто /newpurchase — спрошу по шагам.
purchase-admin-error-form-unknown = Не понял часть «{ $part }». После названия, поставщика и категории идут: сбор …, стоп …, оплата …, мин ….
purchase-admin-error-form-missing = Не хватает { $field ->
    [fee] оргсбора: добавьте «сбор 15%»
    [stop] даты стопа: добавьте «стоп { DAY(7) }»
   *[pay] срока оплаты: добавьте «оплата { DAY(11) }»
    }.
purchase-admin-error-form-twice = Часть «{ $part }» повторяется. Оставьте одну.

purchase-admin-created =
    Покупка №{ $id } «{ $title }» создана — пока черновик, покупатели её не видят.
    Оргсбор { $fee }, стоп { $stop }, оплата до { $pay } (даты — до конца дня по Москве).

## Товары.
purchase-admin-items-ask-paste =
    Добавьте товары в «{ $title }»: по одному в строке, поля через точку с запятой:
    Название; цена; размеры через запятую; артикул
    Например:
    Платье синее; 1290; 42,44,46; PL-15
    Шарф; 590
    Можно прислать фото с такой строкой в подписи — фото будет у этого товара.
    Если в списке есть ошибки, не добавится ничего: я покажу строки с ошибками.
purchase-admin-items-photo-caption = Добавьте к фото подпись-строку товара, например «Платье синее; 1290; 42,44,46».
purchase-admin-items-photo-one = Одно фото — один товар: в подписи должна быть одна строка.
purchase-admin-items-line-error = Строка { $line }: { $error }
purchase-admin-items-rejected =
    Ничего не добавлено: { $errors ->
        [one] ошибка в { $errors } строке
       *[other] ошибки в { $errors } строках
    } из { $lines }.
    { $details }
    Исправьте и пришлите список заново. Выйти — /cancel.
purchase-admin-items-added = Добавлено товаров: { $added }. Всего в покупке: { $total }. Присылайте ещё или нажмите «Готово».
purchase-admin-item-invalid = { $error } Попробуйте ещё раз.
purchase-admin-item-ask-name = Название товара:
purchase-admin-item-ask-price = Цена «{ $name }» в рублях, например 1290 или 1 290,50:
purchase-admin-item-ask-sizes = Размеры или варианты через запятую, например 42,44,46 или красный, синий. Можно пропустить.
purchase-admin-item-ask-article = Артикул поставщика. Можно пропустить.
purchase-admin-item-ask-photo = Фото товара. Можно пропустить.
purchase-admin-item-photo-expected = Нужна фотография — пришлите изображение или пропустите шаг.
purchase-admin-item-added = Товар «{ $name }» за { $price } добавлен (всего товаров: { $total }). Название следующего — или «Готово».

purchase-admin-item-error-name = название — от { $min } до { $max } { $max ->
        [one] символа
       *[other] символов
    }, без ссылок.
purchase-admin-item-error-price-missing = нет цены. Формат: Название; цена; размеры; артикул.
purchase-admin-item-error-price-empty = нет цены.
purchase-admin-item-error-price-not_a_number = цена не похожа на число (пример: 1290 или 1 290,50).
purchase-admin-item-error-price-negative = цена не может быть отрицательной.
purchase-admin-item-error-price-zero = цена должна быть больше нуля.
purchase-admin-item-error-price-too_large = цена больше { $max } — похоже на опечатку.
purchase-admin-item-error-price-too_precise = в цене не больше двух знаков после запятой.
purchase-admin-item-error-sizes-too-many = размеров больше { $max }.
purchase-admin-item-error-size-bad = размер «{ $size }» не подходит (до { $max } { $max ->
        [one] символа
       *[other] символов
    }, без ссылок).
purchase-admin-item-error-article = артикул — до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку.
purchase-admin-item-error-fields-too-many = больше пяти полей. Формат: Название; цена; размеры; артикул; вес.
purchase-admin-item-error-paste-empty = список пустой.
purchase-admin-item-error-paste-too-long = за один раз — не больше { $max } { $max ->
        [one] строки
       *[other] строк
    }.
purchase-admin-item-error-purchase-full = в покупке может быть до { $max } { $max ->
        [one] товара
       *[other] товаров
    }; можно добавить ещё { $left } { $left ->
        [one] товар
        [few] товара
       *[other] товаров
    }.

purchase-admin-items-empty = Товаров пока нет.
purchase-admin-items-title = Товары «{ $title }» ({ $total }), страница { $page } из { $pages }:
purchase-admin-item-article = арт. { $article }
purchase-admin-item-retired = снят
purchase-admin-item-retired-now = Товар «{ $name }» снят: новые заказы на него не принимаются.
purchase-admin-item-restored = Товар «{ $name }» снова доступен для заказа.

## Мои покупки и карточка.
purchase-admin-mine-empty = У вас пока нет покупок. Создайте первую: /newpurchase.
purchase-admin-mine-title = Мои покупки ({ $total }), страница { $page } из { $pages }:
purchase-admin-mine-entry = №{ $id } «{ $title }» — { $status }, покупателей: { $buyers }
purchase-admin-card =
    Покупка №{ $id }: { $title }
    Статус: { $status }
    Поставщик: { $supplier }
    Категория: { $category }
    Оргсбор: { $fee }
    Стоп: { $stop }; оплата до: { $pay }
    Товаров: { $items }{ $retired ->
        [0] {""}
       *[other] {" "}(и снятых: { $retired })
    }
    Покупателей: { $buyers }, заказов: { $orders }
    Товары на { $items_sum }, оргсбор { $fee_sum }, скидки { $discount }
    К оплате: { $due }; оплачено (подтверждено): { $paid }
    Ссылка для покупателей: { $link }
purchase-admin-card-money-open = Долг покупателей: { $owed }{ $has_awaiting ->
        [yes] ; ждёт подтверждения: { $awaiting }
       *[no] {""}
    }{ $has_refund ->
        [yes] ; к возврату: { $refund }
       *[no] {""}
    }

## Статусы.
purchase-admin-status-stale = Покупка уже в статусе «{ $status }» — этот шаг сейчас недоступен. Откройте её заново: /mypurchases.
purchase-admin-open-needs-items = Чтобы открыть сбор заказов, добавьте хотя бы один товар.
purchase-admin-move-confirm =
    Перевести «{ $title }» в статус «{ $status }»?{ $cancel ->
        [yes] {" "}Отменённую покупку нельзя вернуть.
       *[no] {""}
    }
    { $buyers ->
        [0] Заказов пока нет, уведомлять некого.
       *[other] Покупатели с заказами ({ $buyers }) получат уведомление.
    }
purchase-admin-moved = Готово: статус «{ $status }». Уведомлено покупателей: { $notified }.

purchase-admin-notify-open = Покупка «{ $title }» открыта для заказов.
purchase-admin-notify-stopped = Стоп в покупке «{ $title }»: новые заказы не принимаются. Ваш заказ { $numbers } учтён; сумму к оплате сообщим отдельно.
purchase-admin-notify-payment =
    Покупка «{ $title }»: пора оплатить заказ { $numbers }.
    К оплате: { $due }, срок — до { $deadline }. Сообщить об оплате — /pay.
purchase-admin-notify-ordered = Покупка «{ $title }»: организатор заказал товары у поставщика. Ваш заказ { $numbers } в пути.
purchase-admin-notify-arrived =
    Покупка «{ $title }»: товары поступили к организатору, скоро раздача. Заказ { $numbers }.
    { $pickup_known ->
        [yes] Пункт выдачи:
    { $pickup }
       *[no] Где забирать, организатор сообщит.
    }
purchase-admin-notify-distribution =
    Покупка «{ $title }»: раздача! Можно забирать заказ { $numbers }.
    { $pickup_known ->
        [yes] Где забрать:
    { $pickup }
       *[no] Где забирать, организатор сообщит.
    }
purchase-admin-notify-closed = Покупка «{ $title }» закрыта. Спасибо за участие! Ваши заказы — /orders.
purchase-admin-notify-cancelled = Покупка «{ $title }» отменена организатором, заказ { $numbers } выполнен не будет. Если вы уже платили, организатор вернёт деньги.

## Заказы и выгрузки.
purchase-admin-orders-empty = В этой покупке пока нет заказов.
purchase-admin-orders-title = Заказы «{ $title }» ({ $total }), страница { $page } из { $pages }:
purchase-admin-order-entry = { $number }. { $order } · { $buyer } · { $pieces } шт. · к оплате { $due }{ $discounted ->
    [yes] { " " }(скидка { $discount }{ $has_code ->
        [yes] { " " }по промокоду { $code }
       *[no] {""}
    })
   *[no] {""}
}, оплачено { $paid } · { $pickup }
purchase-admin-order-note = {"   "}✎ { $item }: { $note }
purchase-admin-order-notes-more = {"   "}…ещё { $count } { $count ->
    [one] примечание
    [few] примечания
   *[many] примечаний
} — все в выгрузке для раздачи
purchase-admin-no-pickup = пункт не выбран
purchase-admin-exports = Выгрузки заказов «{ $title }»: для поставщика (по товарам и размерам) и для раздачи (по пунктам выдачи и покупателям).
purchase-admin-export-supplier-sheet = Поставщику
purchase-admin-export-distribution-sheet = Раздача
purchase-admin-export-supplier-columns = Товар|Артикул|Размер|Количество|Цена|Сумма|Примечания покупателей
purchase-admin-export-distribution-columns = Пункт выдачи|Покупатель|Контакт|Заказ|Товар|Артикул|Размер|Количество|Цена|Сумма|Примечание|Товары в заказе|Оргсбор|Скидка|Промокод|Транспорт|К оплате|Оплачено|Осталось оплатить|К возврату
purchase-admin-export-total = Итого
purchase-admin-export-empty = Заказов пока нет — выгружать нечего.
purchase-admin-export-ready = { $shape ->
    [supplier] Заказ поставщику
   *[distribution] Список раздачи
    } по «{ $title }», заказов: { $orders }.

## Даты покупки (handlers/organizer/dates.py) и автоматический стоп (bot/services/purchases.py).
purchase-admin-button-dates = 📅 Даты
purchase-admin-dates-menu = Даты «{ $title }»: стоп { $stop }, оплата до { $pay }. Что изменить?
purchase-admin-button-date-stop = 📅 Изменить стоп
purchase-admin-button-date-pay = 📅 Изменить срок оплаты
purchase-admin-button-open-card = Открыть покупку
purchase-admin-date-ask-stop =
    Новая дата стопа для «{ $title }» — до какого дня принимать заказы (включительно, по московскому времени). Сейчас: { $current }; оплата до { $pay }.
    Например: { DAY(7) }, { DAY(7, style: "short") } или { DAY(7, style: "iso") }. Выйти — /cancel.
purchase-admin-date-ask-pay =
    Новый срок оплаты для «{ $title }». Сейчас: { $current }; не раньше даты стопа ({ $stop }).
    Например: { DAY(11) }, { DAY(11, style: "short") } или { DAY(11, style: "iso") }. Выйти — /cancel.
purchase-admin-date-locked = { $field ->
    [stop] Дату стопа можно менять только в черновике и во время сбора заказов
   *[pay] Срок оплаты можно менять, пока товары не заказаны у поставщика
    }, а покупка сейчас в статусе «{ $status }».
purchase-admin-date-stop-passed = Стоп уже наступил ({ $stop }): приём заказов закрыт, покупка сейчас остановится. Перенести эту дату уже нельзя.
purchase-admin-date-stop-after-pay = Стоп не может быть позже срока оплаты ({ $pay }). Напишите дату не позже — или сначала перенесите срок оплаты.
purchase-admin-date-stop-saved = Готово: стоп в «{ $title }» — { $stop } (до конца дня по Москве).
purchase-admin-date-pay-saved = Готово: оплата в «{ $title }» — до { $pay } (до конца дня по Москве).
purchase-admin-open-stop-passed = Дата стопа ({ $stop }) уже прошла — сбор заказов сразу бы закрылся. Сначала перенесите стоп кнопкой «Изменить стоп».
purchase-admin-auto-stopped =
    ⏰ Стоп в покупке №{ $id } «{ $title }»: наступила дата стопа ({ $stop }), приём заказов закрыт автоматически.
    Заказов: { $orders }, покупателей: { $buyers }, товары на { $items_sum }. Покупатели с заказами уведомлены.
purchase-admin-stop-moved = 📅 Стоп покупки «{ $title }» перенесён: заказы принимаются и меняются до { $stop } (МСК).
