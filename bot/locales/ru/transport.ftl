## Транспортные расходы (ТР): вес товаров, сумма доставки, раскладка по заказам, напоминания.

transport-button = 🚚 Транспортные расходы
transport-button-cost = { $entered ->
    [yes] Изменить сумму ТР
   *[no] Ввести сумму ТР
}
transport-button-weights = ⚖ Вес товаров
transport-button-back = ◀ Назад
transport-button-apply = ✅ Разложить
transport-basis = { $basis ->
    [weight] По весу
    [sum] По сумме заказа
   *[pieces] По штукам
}
transport-basis-name = { $basis ->
    [weight] по весу
    [sum] по сумме заказа
   *[pieces] по штукам
}
transport-basis-amount = { $basis ->
    [weight] { $value } г
   *[pieces] { $value } шт.
}
transport-locked = Транспортные расходы вносятся, когда товар приехал (этапы «прибыла» и «раздача»). Сейчас покупка на этапе «{ $status }».

transport-menu = 🚚 Транспортные расходы покупки «{ $title }»
    { $entered ->
        [yes] Сейчас: { $cost }, { transport-basis-name }, внесено { $day }.
       *[no] Сумма доставки ещё не внесена.
    }
    Вес указан у { $weighed } из { $items } { $items ->
        [one] заказанного товара
       *[other] заказанных товаров
    } (для раскладки по весу нужен вес каждого).
transport-menu-order = • { $number } { $buyer }: { $share }

transport-ask-cost = Сколько стоила доставка партии «{ $title }»? Введите сумму в рублях, например 1 500 или 1500,50.{ $entered ->
    [yes] {" "}Сейчас внесено { $cost }; 0 — убрать транспортные расходы.
   *[no] {""}
}
transport-cost-bad = { $reason ->
    [empty] Введите сумму доставки числом, например 1 500.
    [negative] Сумма доставки не может быть отрицательной.
    [too_large] Слишком большая сумма: не больше { $max }.
    [too_precise] Копеек — не больше двух знаков, например 1500,50.
   *[other] Не понял сумму. Введите её числом, например 1 500 или 1500,50.
} Сумма не сохранена — попробуйте ещё раз.
transport-ask-basis = Доставка { $cost }. Как разложить её по заказам?{ $weighed ->
    [yes] {""}
   *[no] {" "}По весу — когда у каждого заказанного товара указан вес (кнопка «Вес товаров»).
}

transport-preview = Раскладка { $cost } { transport-basis-name } по { $orders } { $orders ->
    [one] заказу
   *[other] заказам
} покупки «{ $title }»:
transport-preview-order = • { $number } { $buyer } ({ $amount }): доля { $share }, к оплате было { $before }, станет { $after }
transport-preview-more = … и ещё { $count } { $count ->
    [one] заказ
    [few] заказа
   *[many] заказов
}
transport-preview-paid = ⚠ { $count } { $count ->
    [one] покупатель уже оплатил
    [few] покупателя уже оплатили
   *[many] покупателей уже оплатили
} прежнюю долю: если доля уменьшится, разница станет суммой к возврату (/reconcile), если вырастет — доплатой.
transport-preview-confirm = Разложить и сообщить покупателям?
transport-same = Транспортные расходы { $cost } уже разложены так же — ничего не изменилось.
transport-applied = Готово: { $cost } разложено { transport-basis-name }. Доля изменилась в { $changed } { $changed ->
    [one] заказе
   *[other] заказах
}, сообщение { $told ->
    [one] отправлено { $told } покупателю
   *[other] отправлено { $told } покупателям
}.

transport-error-weights-missing = Для раскладки по весу нужен вес каждого заказанного товара: укажите его кнопкой «Вес товаров» или разложите по сумме или по штукам.
transport-error-nothing-to-split = В покупке нет действующих заказов — раскладывать не на кого.
transport-error-weights-empty = Пришлите строки вида «номер вес», например «1 350».
transport-error-weights-too-many = Не больше { $max } строк за раз.
transport-error-weight-line = строка «{ $text }» — нужно «номер вес», например «1 350» или «2 0,5 кг»
transport-error-weight-number = нет товара с номером { $number } (номера от 1 до { $count })
transport-error-weight-range = вес «{ $text }» — от 1 г до { $max } г
transport-error-weight-bad = вес «{ $text }» — введите граммы целым числом или килограммы, например 350 или 0,35 кг

transport-weights-ask = Вес одной штуки товаров покупки «{ $title }». Пришлите строки «номер вес» (граммы, или «кг»), по одной на товар, например:
    1 350
    2 0,5 кг
transport-weights-item = { $number }. { $name }{ $article } — { $weighed ->
    [yes] { $grams } г
   *[no] вес не указан
}
transport-weights-bad = Вес не сохранён, исправьте и пришлите снова:
    { $errors }
transport-weights-line = строка { $line }: { $error }
transport-weights-saved = Вес сохранён: { $count } { $count ->
    [one] товар
    [few] товара
   *[many] товаров
}.

transport-buyer-share = 🚚 { $correction ->
    [yes] Транспортные расходы по покупке «{ $title }» пересчитаны: доля заказа { $number } была { $old }, стала { $share }.
   *[no] Товар покупки «{ $title }» приехал, доставка партии — { $cost }. Доля заказа { $number } ({ transport-basis-name }): { $share }.
}
    Заказ теперь стоит { $due }: { $state }.
transport-reminder = 🚚 Напоминание: по покупке «{ $title }» осталось оплатить транспортные расходы.
    { $orders }
transport-reminder-order = • Заказ { $number }: к оплате { $to_report } (из них ТР { $share })

transport-order-line = В том числе транспортные расходы: { $share }.

## Выгрузки: заказ поставщику (второй лист файла «Поставщику», XLSX)

transport-export-order-sheet = Заказ поставщику
transport-export-order-columns = Артикул|Товар|Размер|Количество
transport-export-order-heading = Заказ для поставщика { $supplier }: покупка «{ $title }» (№{ $id })

## Сверка: колонка транспортных расходов

payments-rec-col-transport = Транспорт, ₽

## Вес товара в строке товара (пятое поле)

purchase-admin-item-error-weight = вес одной штуки — граммы целым числом или килограммы, от 1 г до { $max } г, например 350 или 0,35 кг
purchase-admin-items-weight-hint = Пятым полем можно указать вес одной штуки (для раскладки доставки по весу): Платье синее; 1290; 42,44,46; PL-15; 350 г
